/**
 * A reader that went away (`orch status | head -c1`, `orch logs -f | head`) ends the command quietly,
 * with the exit code it had so far: there is nobody left to tell anything. Without a listener, Node
 * turns the EPIPE into an uncaught error with a stack. Another output error (a full disk under a
 * redirect) is one line and exit 1.
 */
export function endOnClosedOutput(): void {
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      process.stderr.write(`orch: cannot write the output: ${error.message}\n`);
      process.exitCode = 1;
    }
    process.exit();
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
