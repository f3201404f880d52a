/**
 * Languages, frameworks and dependencies of a repository, read from its production build files
 * (package.json, requirements*.txt, pyproject.toml, pom.xml, build.gradle…). `applies-when`
 * conditions are decided against this.
 */
import type { Snapshot } from './types.js';
import { parseBuildFile } from './parse-dependencies.js';
import { isIgnoredPath, isTestPath } from './classify-path.js';

export interface Stack {
  /** python, java, node (and typescript when a tsconfig.json exists). */
  languages: Set<string>;
  /** fastapi, flask, django, spring-boot, micronaut, express, nestjs. */
  frameworks: Set<string>;
  /** Lowercase names: `fastapi`, `hikaricp`, `com.zaxxer:hikaricp`, `plugin:io.micronaut.application`. */
  dependencies: Set<string>;
  /** Build files read, for messages. */
  buildFiles: string[];
}

export function detectStack(snapshot: Snapshot): Stack {
  const stack: Stack = {
    languages: new Set(),
    frameworks: new Set(),
    dependencies: new Set(),
    buildFiles: [],
  };
  for (const path of snapshot.paths) {
    if (isIgnoredPath(path) || isTestPath(path)) continue;
    if (path.endsWith('tsconfig.json')) stack.languages.add('typescript');
    const text = snapshot.read(path);
    if (text === undefined) continue;
    const build = parseBuildFile(path, text);
    if (!build) continue;
    stack.buildFiles.push(path);
    stack.languages.add(build.ecosystem);
    for (const d of build.dependencies) stack.dependencies.add(d.toLowerCase());
  }
  const deps = stack.dependencies;
  const has = (name: string) => deps.has(name);
  const some = (test: (d: string) => boolean) => [...deps].some(test);
  if (has('fastapi')) stack.frameworks.add('fastapi');
  if (has('flask')) stack.frameworks.add('flask');
  if (has('django')) stack.frameworks.add('django');
  if (has('express')) stack.frameworks.add('express');
  if (has('@nestjs/core')) stack.frameworks.add('nestjs');
  if (
    some(
      (d) => d.startsWith('org.springframework.boot:') || d === 'plugin:org.springframework.boot',
    )
  ) {
    stack.frameworks.add('spring-boot');
  }
  if (some((d) => d.startsWith('io.micronaut') || d.startsWith('plugin:io.micronaut'))) {
    stack.frameworks.add('micronaut');
  }
  return stack;
}
