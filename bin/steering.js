#!/usr/bin/env node
// Runs the steering CLI straight from the TypeScript sources (tsx), so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
