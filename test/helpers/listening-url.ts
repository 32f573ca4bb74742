import type { ChildProcess } from 'node:child_process';

/** The `listening on http://…/v1` URL a server child prints on stdout; rejects if it exits first. */
export function listeningUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+\/v1)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${out}`)));
  });
}
