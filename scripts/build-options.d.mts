import type { BuildOptions } from 'esbuild';

export const OUT: string;
export const BUILDS: BuildOptions[];
