/**
 * Java: the build tool fetches dependencies before the sources are copied (a cached layer), then builds the
 * jar. Spring Boot jars are split into their layers (dependencies change rarely, the application often) on
 * distroless java; other apps get a `jdeps` + `jlink` runtime holding only the modules the jar uses.
 */
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { JavaApp } from '../../types.js';
import { runtimeTail } from '../runtime-tail.js';

export const defaultJavaVersion = 21;
/** JVM options for the short-lived build tools: C1 only and the serial collector start and finish sooner. */
const quickJvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const quickTool = quickJvm.map((o) => `-J${o}`).join(' ');
const distrolessJava = new Set([17, 21]);

/** Spring Boot 3.2 moved the launcher to `…loader.launch`. */
function launcherOf(version: string | undefined): string {
  const [major, minor] = (version ?? '3.2').split('.').map(Number);
  return (major ?? 3) > 3 || ((major ?? 3) === 3 && (minor ?? 2) >= 2) ? 'org.springframework.boot.loader.launch.JarLauncher' : 'org.springframework.boot.loader.JarLauncher';
}

export function javaDockerfile(app: JavaApp, w: DockerfileWriter): { runtime: string } {
  const version = app.javaVersion ?? defaultJavaVersion;
  const jdkRelease = version <= 17 ? 17 : 21;
  const maven = app.buildTool === 'maven';
  const builder = app.wrapper ? `eclipse-temurin:${jdkRelease}-jdk` : maven ? `maven:3.9-eclipse-temurin-${jdkRelease}` : `gradle:8-jdk${jdkRelease}`;
  w.from(builder, 'build', [`Builder: JDK ${jdkRelease} with ${app.wrapper ? 'the project wrapper' : maven ? 'Maven' : 'Gradle'}.`]);
  if (maven) {
    // an ARG is in the environment of the RUNs below, and `--build-arg MAVEN_OPTS=…` replaces it
    w.comment('Maven in a JVM that stops at the C1 compiler: a build this short ends before C2 pays off.');
    w.instruction('ARG', `MAVEN_OPTS="${quickJvm.join(' ')}"`);
  }
  w.instruction('WORKDIR', '/src');
  // a directory among several COPY sources would have its contents flattened into ./, so directories go alone
  const directories = new Set(['.mvn', 'gradle']);
  w.copy(app.manifests.filter((m) => !directories.has(m)), './');
  for (const dir of app.manifests.filter((m) => directories.has(m))) w.copy([dir], `./${dir}`);
  const tool = maven ? (app.wrapper ? './mvnw' : 'mvn') : app.wrapper ? './gradlew' : 'gradle';
  const caches = maven ? [{ target: '/root/.m2' }] : [{ target: '/root/.gradle' }, { target: '/home/gradle/.gradle' }];
  // a plain jar leaves its libraries out: Maven copies them (once per pom change) for their own image layer
  const libraries = app.libraries === 'separate';
  if (maven && libraries) w.run(['mkdir -p /deps', `${tool} -B -q dependency:go-offline dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/deps`], caches);
  else if (maven) w.run([`${tool} -B -q dependency:go-offline`], caches);
  else w.run([`${tool} --no-daemon -q dependencies`], caches);
  w.copy(['src'], './src');
  const build = maven ? `${tool} -B -q -DskipTests package` : `${tool} --no-daemon -q ${app.springBoot ? 'bootJar' : 'build -x test'}`;
  const copyJar =
    app.jar !== undefined
      ? `cp ${app.jar} /app.jar`
      : `cp "$(find ${maven ? 'target' : 'build/libs'} -maxdepth 1 -name '*.jar' ! -name '*-plain.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name 'original-*' | head -n 1)" /app.jar`;
  // the jar's manifest names the libraries (`Class-Path`, one per continuation line), so `java -jar` finds them
  const classPath = [
    'set -- /deps/*.jar',
    `if [ -e "$1" ]; then { printf 'Class-Path: lib/%s\\n' "\${1##*/}"; shift; for j; do printf '  lib/%s\\n' "\${j##*/}"; done; } > /tmp/classpath.mf`,
    'jar --update --file /app.jar --manifest /tmp/classpath.mf; fi',
  ];
  w.run(libraries ? [build, copyJar, ...classPath] : [build, copyJar], caches);

  let runtime: string;
  if (app.springBoot) {
    // layertools still works on Boot 3.3+ (where `-Djarmode=tools extract --layers` is the new spelling)
    w.run(['java -Djarmode=layertools -jar /app.jar extract --destination /layers']);
    const runtimeRelease = distrolessJava.has(version) ? version : jdkRelease;
    runtime = `gcr.io/distroless/java${runtimeRelease}-debian12:nonroot`;
    w.from(runtime, undefined, [`Runtime: distroless Java ${runtimeRelease}: a JRE and glibc only; the jar's layers go in least-changing first,`, 'so a code change rebuilds and pushes only the small application layer.']);
    w.instruction('WORKDIR', '/app');
    for (const layer of ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application']) w.copy([`/layers/${layer}/`], './', { from: 'build' });
    runtimeTail(w, app.port);
    w.instruction('ENTRYPOINT', execForm(['/usr/bin/java', '-XX:MaxRAMPercentage=75', launcherOf(app.springBootVersion)]));
    return { runtime };
  }
  // with the libraries on the class path jdeps follows the app into them: their modules are in the runtime too
  w.run([`jdeps ${quickTool} --ignore-missing-deps --print-module-deps --multi-release ${jdkRelease} -q ${libraries ? "--class-path '/deps/*' " : ''}/app.jar > /modules`]);
  // jlink in its own stage, fed only the module list: a code change that uses no new module leaves /modules
  // byte-identical, so the COPY below hits the cache and the slow jlink step is reused
  w.from(builder, 'jre', ['The runtime image: jlink of exactly the modules jdeps found.']);
  w.copy(['/modules'], '/modules', { from: 'build' });
  w.run([`jlink ${quickTool} --add-modules "$(cat /modules)" --strip-debug --no-man-pages --no-header-files --compress=2 --output /jre`]);
  runtime = 'gcr.io/distroless/java-base-debian12:nonroot';
  w.from(runtime, undefined, ['Runtime: distroless java-base (glibc, zlib, libstdc++; no JRE) plus the jlink runtime holding only the', 'modules jdeps found: far smaller than a full JRE image.']);
  w.copy(['/jre'], '/jre', { from: 'jre' });
  // libraries first: they change less often than the app, so a code change leaves their layer as it was
  if (libraries) w.copy(['/deps'], '/app/lib', { from: 'build' });
  w.copy(['/app.jar'], '/app/app.jar', { from: 'build' });
  runtimeTail(w, app.port);
  w.instruction('ENTRYPOINT', execForm(['/jre/bin/java', '-XX:MaxRAMPercentage=75', '-jar', '/app/app.jar']));
  return { runtime };
}
