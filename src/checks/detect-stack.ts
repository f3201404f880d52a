/**
 * Languages, frameworks and dependencies of a repository, read from its production build files
 * (package.json, requirements*.txt, pyproject.toml, pom.xml, build.gradle…). `applies-when`
 * conditions are decided against this.
 */
import type { Snapshot } from './types.js';
import { parseBuildFile } from './parse-dependencies.js';
import { isIgnoredPath, isTestPath } from './classify-path.js';

export interface Stack {
  /** python, java, node, go, php, dotnet (and typescript when a tsconfig.json exists). */
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
  for (const f of frameworksOf(stack.dependencies)) stack.frameworks.add(f);
  return stack;
}

/** Frameworks named by a set of lowercase dependency names. */
export function frameworksOf(deps: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const has = (name: string) => deps.has(name);
  const some = (test: (d: string) => boolean) => [...deps].some(test);
  if (has('fastapi')) out.add('fastapi');
  if (has('flask')) out.add('flask');
  if (has('django')) out.add('django');
  if (has('express')) out.add('express');
  if (has('@nestjs/core')) out.add('nestjs');
  if (has('laravel/framework')) out.add('laravel');
  if (has('symfony/framework-bundle')) out.add('symfony');
  if (
    some(
      (d) =>
        d.startsWith('org.springframework.boot:') ||
        d.startsWith('org.springframework.cloud:') ||
        d.startsWith('de.codecentric:spring-boot-admin') ||
        d === 'plugin:org.springframework.boot',
    )
  )
    out.add('spring-boot');
  if (some((d) => d.startsWith('io.micronaut') || d.startsWith('plugin:io.micronaut')))
    out.add('micronaut');
  if (some((d) => d === 'github.com/gin-gonic/gin')) out.add('gin');
  return out;
}
