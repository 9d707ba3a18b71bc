import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { javaDetector } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => javaDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

describe('java detector', () => {
  it('reads Spring Boot on Maven with its wrapper', async () => {
    const [app] = await detect('java-maven-spring');
    expect(app).toMatchObject({
      name: 'orders',
      buildTool: 'maven',
      wrapper: true,
      springBoot: true,
      springBootVersion: '3.3.1',
      javaVersion: 21,
      jar: 'target/orders-0.0.1-SNAPSHOT.jar',
      manifests: ['pom.xml', 'mvnw', '.mvn'],
      port: 8081,
    });
  });

  it('reads Gradle with a toolchain', async () => {
    const [app] = await detect('java-gradle');
    expect(app).toMatchObject({ name: 'inventory', buildTool: 'gradle', wrapper: false, springBoot: false, javaVersion: 17, manifests: ['build.gradle.kts', 'settings.gradle.kts'] });
  });

  it('reads a plain Maven app and its port', async () => {
    const [app] = await detect('java-maven-plain');
    expect(app).toMatchObject({ name: 'hello-http', javaVersion: 17, springBoot: false, jar: 'target/hello-http-1.2.0.jar', port: 8080, libraries: 'none' });
  });

  it('leaves the libraries question to Spring Boot (its jar holds them) and to Gradle', async () => {
    expect((await detect('java-maven-spring'))[0]).not.toHaveProperty('libraries');
    expect((await detect('java-gradle'))[0]).not.toHaveProperty('libraries');
  });

  it('notes that a plain Gradle jar leaves its dependencies out, unless the Shadow plugin bundles them', async () => {
    expect((await detect('java-gradle'))[0]?.notes).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-java-gradle-'));
    try {
      const deps = 'dependencies { implementation("com.google.code.gson:gson:2.10") }\n';
      await writeFile(join(dir, 'build.gradle.kts'), `plugins { application }\n${deps}`);
      expect((await javaDetector.detect(new ProjectFiles(dir), '.'))[0]?.notes).toEqual([expect.stringMatching(/^build\.gradle\.kts: the jar `gradle build` writes leaves out the run-time dependencies/)]);
      await writeFile(join(dir, 'build.gradle.kts'), `plugins { application; id("com.gradleup.shadow") version "8.3.0" }\n${deps}`);
      expect((await javaDetector.detect(new ProjectFiles(dir), '.'))[0]?.notes).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe("a Maven app's run-time libraries", () => {
    const dependency = (artifact: string, extra = ''): string => `<dependency><groupId>g</groupId><artifactId>${artifact}</artifactId><version>1</version>${extra}</dependency>`;
    async function librariesOf(body: string): Promise<unknown> {
      const dir = await mkdtemp(join(tmpdir(), 'shipshape-java-pom-'));
      try {
        await writeFile(join(dir, 'pom.xml'), `<project><artifactId>a</artifactId><version>1</version>${body}</project>`);
        const [app] = await javaDetector.detect(new ProjectFiles(dir), '.');
        return app?.ecosystem === 'java' ? app.libraries : undefined;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }

    it('are separate jars when the project depends on something at run time', async () => {
      expect(await librariesOf(`<dependencies>${dependency('gson')}</dependencies>`)).toBe('separate');
      expect(await librariesOf(`<dependencies>${dependency('driver', '<scope>runtime</scope>')}${dependency('junit', '<scope>test</scope>')}</dependencies>`)).toBe('separate');
      expect(await librariesOf(`<dependencies>${dependency('opt', '<optional>true</optional>')}</dependencies>`)).toBe('separate');
    });

    it('are none for test, provided and managed-only dependencies, plugin dependencies or commented-out ones', async () => {
      expect(await librariesOf(`<dependencies>${dependency('junit', '<scope>test</scope>')}${dependency('servlet', '<scope> provided </scope>')}</dependencies>`)).toBe('none');
      expect(await librariesOf(`<dependencyManagement><dependencies>${dependency('bom')}</dependencies></dependencyManagement>`)).toBe('none');
      expect(await librariesOf(`<build><plugins><plugin><artifactId>p</artifactId><dependencies>${dependency('x')}</dependencies></plugin></plugins></build>`)).toBe('none');
      expect(await librariesOf(`<!-- <dependencies>${dependency('gson')}</dependencies> -->`)).toBe('none');
      expect(await librariesOf(`<profiles><profile><dependencies>${dependency('gson')}</dependencies></profile></profiles>`)).toBe('none');
    });

    it('are bundled when the shade or assembly plugin builds a jar with them inside', async () => {
      const plugin = (name: string): string => `<build><plugins><plugin><artifactId>${name}</artifactId></plugin></plugins></build>`;
      expect(await librariesOf(`<dependencies>${dependency('gson')}</dependencies>${plugin('maven-shade-plugin')}`)).toBe('bundled');
      expect(await librariesOf(`<dependencies>${dependency('gson')}</dependencies>${plugin('maven-assembly-plugin')}`)).toBe('bundled');
    });
  });
});
