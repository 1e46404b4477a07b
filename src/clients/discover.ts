/** Every client config on this machine that exists, read; in the order of {@link clientFiles}. */
import { clientFiles, type ClientId } from './locations.js';
import { readClientFile, type FoundFile } from './readers.js';

export function findClientConfigs(home: string, cwd: string, only?: readonly ClientId[]): FoundFile[] {
  return clientFiles(home, cwd)
    .filter((file) => !only || only.includes(file.client))
    .flatMap((file) => readClientFile(file) ?? []);
}
