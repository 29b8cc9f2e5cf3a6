// Node.js `net` peer for the load benchmark: 4-byte big-endian length-prefixed echo.
// Usage: node echo.js PORT
'use strict';
const net = require('net');

const port = Number(process.argv[2] || 9102);
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let pending = null;
  socket.on('data', (chunk) => {
    let buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    let end = 0;
    while (buffer.length - offset >= 4) {
      const length = buffer.readUInt32BE(offset);
      if (buffer.length - offset < 4 + length) break;
      offset += 4 + length;
      end = offset;
    }
    // Echo every whole frame of this read with one write (the same batching Kestrel gets per flush).
    if (end > 0) socket.write(end === buffer.length ? buffer : buffer.subarray(0, end));
    pending = offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : null;
  });
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1');
