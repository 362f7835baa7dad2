"""A local HTTPS endpoint (127.0.0.1 only) for the CA-bundle test: it answers STS
GetCallerIdentity and Security Hub GetFindings (one finding), signed by the certificate
it is given. Prints its port, then serves until killed."""

import json
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CERT, KEY = sys.argv[1], sys.argv[2]

FINDING = {
    "SchemaVersion": "2018-10-08",
    "Id": "tls-finding-1",
    "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
    "GeneratorId": "tls-test",
    "AwsAccountId": "111111111111",
    "Region": "us-east-1",
    "Types": ["Software and Configuration Checks"],
    "CreatedAt": "2026-11-20T00:00:00Z",
    "UpdatedAt": "2026-11-21T00:00:00Z",
    "Severity": {"Label": "HIGH"},
    "Title": "reached through a custom CA",
    "Resources": [{"Type": "AwsAccount", "Id": "AWS::::Account:111111111111"}],
    "Workflow": {"Status": "NEW"},
    "RecordState": "ACTIVE",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if "Action=GetCallerIdentity" in body:
            payload = (
                '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                "<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/t</Arn>"
                "<UserId>AIDATLS</UserId><Account>111111111111</Account></GetCallerIdentityResult>"
                "<ResponseMetadata><RequestId>tls</RequestId></ResponseMetadata>"
                "</GetCallerIdentityResponse>"
            ).encode()
            kind = "text/xml"
        elif self.path == "/findings":
            payload = json.dumps({"Findings": [FINDING]}).encode()
            kind = "application/json"
        else:
            payload = b'{"message": "not served here"}'
            self.send_response(404)
            self.send_header("x-amzn-errortype", "UnknownOperationException")
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
