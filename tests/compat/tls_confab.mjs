// What the compat tests share: a self-signed certificate for 127.0.0.1 (the
// SDKs always use wss:) and a confab started on it with an ephemeral port.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export function makeCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

// `extra`: further flags (authentication, …).
export async function startConfab(binary, sourceDir, dir, tls, extra = []) {
  const portFile = path.join(dir, 'port');
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile,
    '--web-root', path.join(sourceDir, 'web'), '--tls-cert', tls.cert, '--tls-key', tls.key,
    '--stt-workers', '1', '--tts-workers', '1', ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    if (existsSync(portFile)) {
      const port = Number(readFileSync(portFile, 'utf8').trim());
      if (port > 0) return { child, port };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('confab did not start');
}
