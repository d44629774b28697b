// Stands in for code-server's entry.js in test/unit/scripts/tryIt.test.ts (run by plain node): --install-extension
// and --version answer at once; otherwise it serves /healthz on --bind-addr until it is killed. The test is about
// what try-it.sh does around code-server (the sample repository on Ctrl-C), not about code-server.
'use strict';
const http = require('node:http');

const args = process.argv.slice(2);
if (args.includes('--install-extension')) process.exit(0);
if (args.includes('--version')) {
  console.log('4.139.1 fake with Code 1.139.1');
  process.exit(0);
}
const bind = args[args.indexOf('--bind-addr') + 1] || '127.0.0.1:8080';
const [host, port] = bind.split(':');
http.createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok')).listen(Number(port), host);
