/** What the dashboard shows without a session: how to get in, and no data. */
export function LoginNeeded({ expired }: { expired?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Log in · orch</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <main class="login panel">
          <h1>orch dashboard</h1>
          <p>{expired ? 'This login link is unknown, used or expired.' : 'You are not logged in.'}</p>
          <p>
            Run <code>orch dashboard</code> in a terminal on this machine: it prints (and opens) a one-time link that logs this
            browser in.
          </p>
        </main>
      </body>
    </html>
  );
}
