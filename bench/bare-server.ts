/**
 * The baseline of `npm run bench`: a bare node:http server that reads each request's body and answers it with
 * one fixed AssignPrivateIpAddresses response, whatever was asked. What ec2lite does beyond this is its cost.
 * Prints `listening on http://127.0.0.1:PORT` once it accepts connections.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const REQUEST_ID = '59dbff89-35bd-4eac-99ed-be587EXAMPLE';
const BODY =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<AssignPrivateIpAddressesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  `<requestId>${REQUEST_ID}</requestId>` +
  '<networkInterfaceId>eni-0123456789abcdef0</networkInterfaceId>' +
  '<assignedPrivateIpAddressesSet><item><privateIpAddress>10.0.0.10</privateIpAddress></item></assignedPrivateIpAddressesSet>' +
  '</AssignPrivateIpAddressesResponse>';
const HEADERS = {
  'content-type': 'text/xml;charset=UTF-8',
  'content-length': Buffer.byteLength(BODY),
  'x-amzn-requestid': REQUEST_ID,
  server: 'AmazonEC2'
};

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
