/**
 * Java: Maven (`pom.xml`) or Gradle (`build.gradle[.kts]`), with or without their wrappers. Spring Boot is
 * recognised by its parent/plugin; the Java release by `maven.compiler.release`/`java.version` or Gradle's
 * toolchain/`sourceCompatibility`. Only a handful of well-known elements are read, so a pattern over the
 * text is enough (and cannot be tricked into resolving external entities the way an XML parser could).
 */
import { findHealthPath } from '../../health.js';
import { findPort } from '../../ports.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';
import type { Detector, JavaApp } from '../../types.js';

/** The text of the first `<tag>` outside `<parent>`/`<dependencies>`/`<plugins>` blocks. */
function topLevelTag(pom: string, tag: string): string | undefined {
  const stripped = pom.replace(/<!--[\s\S]*?-->/g, '').replace(/<(parent|dependencies|dependencyManagement|build|profiles)>[\s\S]*?<\/\1>/g, '');
  return new RegExp(`<${tag}>\\s*([^<\\s]+)\\s*</${tag}>`).exec(stripped)?.[1];
}

/** What a Maven build does with its run-time dependencies (see JavaApp.libraries). */
function librariesOf(pom: string): NonNullable<JavaApp['libraries']> {
  const text = pom.replace(/<!--[\s\S]*?-->/g, '');
  if (/maven-shade-plugin|maven-assembly-plugin/.test(text)) return 'bundled';
  // the project's own dependencies: not the managed versions, nor a plugin's, nor a profile's
  const own = text.replace(/<(dependencyManagement|build|profiles|reporting)>[\s\S]*?<\/\1>/g, '');
  const dependencies = [...own.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map((m) => m[1] ?? '');
  const runtime = dependencies.filter((d) => !/<scope>\s*(test|provided|system|import)\s*<\/scope>/.test(d));
  return runtime.length > 0 ? 'separate' : 'none';
}

function javaRelease(text: string): number | undefined {
  const patterns = [
    /<maven\.compiler\.release>\s*(\d+)/,
    /<java\.version>\s*(?:1\.)?(\d+)/,
    /<maven\.compiler\.target>\s*(?:1\.)?(\d+)/,
    /<release>\s*(\d+)\s*<\/release>/,
    /JavaLanguageVersion\.of\(\s*(\d+)\s*\)/,
    /(?:source|target)Compatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?|['"]?(?:1\.)?)(\d+)/,
  ];
  for (const pattern of patterns) {
    const value = Number(pattern.exec(text)?.[1]);
    if (Number.isInteger(value) && value >= 8) return value;
  }
  return undefined;
}

export const javaDetector: Detector = {
  ecosystem: 'java',
  async detect(files: ProjectFiles, dir: string): Promise<JavaApp[]> {
    const pom = await files.readText(joinPath(dir, 'pom.xml'));
    let gradleFile: string | undefined;
    let gradle: string | undefined;
    for (const name of ['build.gradle.kts', 'build.gradle']) {
      gradle = await files.readText(joinPath(dir, name));
      if (gradle !== undefined) {
        gradleFile = name;
        break;
      }
    }
    const text = pom ?? gradle;
    if (text === undefined) return [];
    const notes: string[] = [];
    const maven = pom !== undefined;
    const springBoot = /spring-boot-starter-parent|spring-boot-maven-plugin|org\.springframework\.boot/.test(text);
    const wrapper = await files.isFile(joinPath(dir, maven ? 'mvnw' : 'gradlew'));

    const manifests: string[] = [];
    if (maven) {
      manifests.push('pom.xml');
      if (wrapper) manifests.push('mvnw', '.mvn');
      if ((await files.list(dir)).length > 0 && /<modules>/.test(pom)) notes.push(`${joinPath(dir, 'pom.xml')}: a multi-module build; pass --app for the module to run`);
    } else if (gradleFile !== undefined) {
      manifests.push(gradleFile);
      for (const name of ['settings.gradle.kts', 'settings.gradle', 'gradle.properties']) if (await files.isFile(joinPath(dir, name))) manifests.push(name);
      if (wrapper) manifests.push('gradlew', 'gradle');
    }

    let jar: string | undefined;
    let name = dir === '.' ? 'app' : dir.split('/').pop() ?? 'app';
    if (maven) {
      const artifactId = topLevelTag(pom, 'artifactId');
      const version = topLevelTag(pom, 'version');
      const finalName = /<finalName>\s*([^<\s]+)\s*<\/finalName>/.exec(pom)?.[1];
      if (artifactId !== undefined) name = artifactId;
      if (finalName !== undefined && !finalName.includes('${')) jar = `target/${finalName}.jar`;
      else if (artifactId !== undefined && version !== undefined && !version.includes('${')) jar = `target/${artifactId}-${version}.jar`;
    } else {
      const settings = (await files.readText(joinPath(dir, 'settings.gradle.kts'))) ?? (await files.readText(joinPath(dir, 'settings.gradle')));
      const rootName = settings === undefined ? undefined : /rootProject\.name\s*=\s*['"]([^'"]+)['"]/.exec(settings)?.[1];
      if (rootName !== undefined) name = rootName;
    }

    const properties = (await files.readText(joinPath(dir, 'src/main/resources/application.properties'))) ?? '';
    const yaml = (await files.readText(joinPath(dir, 'src/main/resources/application.yml'))) ?? '';
    let port = Number(/^server\.port\s*[=:]\s*(\d+)/m.exec(properties)?.[1] ?? /^server:\s*\n\s+port:\s*(\d+)/m.exec(yaml)?.[1] ?? NaN);
    const sources = await files.findFiles(joinPath(dir, 'src/main/java'), (n) => n.endsWith('.java'), { maxFiles: 200, maxDepth: 10 });
    // Spring Boot's actuator serves /actuator/health (liveness and readiness groups are its sub-paths)
    const healthPath = springBoot && text.includes('spring-boot-starter-actuator') ? '/actuator/health' : await findHealthPath(files, sources);
    if (!Number.isInteger(port) || port < 1024) {
      port = (await findPort(files, sources, [/new\s+InetSocketAddress\(\s*(?:"[^"]*"\s*,\s*)?(\d{4,5})\s*\)/g, /\bport\s*=\s*(\d{4,5})/gi])) ?? (springBoot ? 8080 : NaN);
    }
    // a plain `gradle build` jar holds the app's classes only: its libraries must be shadowed into it to run with -jar
    if (!maven && !springBoot && gradleFile !== undefined && /\b(implementation|runtimeOnly)\s*[("']/.test(text) && !/shadow/i.test(text)) {
      notes.push(`${joinPath(dir, gradleFile)}: the jar \`gradle build\` writes leaves out the run-time dependencies; apply the Shadow plugin (com.gradleup.shadow) so the image's \`java -jar\` finds them`);
    }
    const javaVersion = javaRelease(text);
    const springBootVersion = springBoot
      ? (/spring-boot-starter-parent<\/artifactId>\s*<version>\s*([\d.]+)/.exec(text)?.[1] ?? /id\s*\(?\s*['"]org\.springframework\.boot['"]\s*\)?\s*version\s*['"]([\d.]+)/.exec(text)?.[1])
      : undefined;
    return [
      {
        ecosystem: 'java',
        path: dir,
        context: dir,
        name,
        ...(Number.isInteger(port) ? { port } : {}),
        ...(healthPath === undefined ? {} : { healthPath }),
        notes,
        buildTool: maven ? 'maven' : 'gradle',
        wrapper,
        ...(javaVersion === undefined ? {} : { javaVersion }),
        springBoot,
        ...(springBootVersion === undefined ? {} : { springBootVersion }),
        ...(jar === undefined ? {} : { jar }),
        manifests,
        ...(maven && !springBoot ? { libraries: librariesOf(pom) } : {}),
      },
    ];
  },
};
