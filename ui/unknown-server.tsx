/** A dashboard page for a server name the configuration does not have (an old bookmark, a typo). */
import { Layout, serverHref } from './components.js';

export function UnknownServerPage(props: { name: string; known: string[]; dev: boolean; version: string }) {
  return (
    <Layout title="Unknown server" page="server" dev={props.dev} version={props.version} live={false}>
      <section class="panel">
        <h1>No server named “{props.name}”</h1>
        {props.known.length > 0 ? (
          <p>
            The configuration has:{' '}
            {props.known.map((name, index) => (
              <>
                {index > 0 ? ', ' : ''}
                <a href={serverHref(name)}>{name}</a>
              </>
            ))}
            .
          </p>
        ) : (
          <p>The configuration has no servers.</p>
        )}
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </section>
    </Layout>
  );
}
