import { resolve } from 'node:path';
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
    expect(app).toMatchObject({ name: 'hello-http', javaVersion: 17, springBoot: false, jar: 'target/hello-http-1.2.0.jar', port: 8080 });
  });
});
