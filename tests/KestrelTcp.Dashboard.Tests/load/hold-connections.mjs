// Opens many TCP connections to a KestrelTcp listener from a separate process (so the test process
// holds only the server's side of each socket), and keeps them open until stdin closes.
//   node hold-connections.mjs <host> <port> <count> [chattyEvery]
// Prints "ready <count>" once every connection is up. With chattyEvery = k, every k-th connection
// sends a short line twice a second, so the dashboard has changing rows to show.
import net from 'node:net';

const [host, portText, countText, chattyText] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const chattyEvery = Number(chattyText ?? 0);
const parallel = 256;
const sockets = [];
let opened = 0;
let next = 0;

function openOne() {
  if (next >= count) return;
  const index = next++;
  const socket = net.connect({ host, port }, () => {
    sockets.push(socket);
    opened++;
    if (chattyEvery > 0 && index % chattyEvery === 0) {
      const timer = setInterval(() => socket.write(`unit-${index} t=${(20 + Math.random() * 5).toFixed(1)}C\n`), 500);
      socket.on('close', () => clearInterval(timer));
    }

    if (opened === count) console.log(`ready ${count}`);
    openOne();
  });
  socket.setNoDelay(true);
  socket.on('error', (error) => {
    console.error(`connection ${index} failed: ${error.message}`);
    process.exit(1);
  });
  socket.on('data', () => {});
}

for (let i = 0; i < Math.min(parallel, count); i++) openOne();

process.stdin.on('end', () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
});
process.stdin.resume();
