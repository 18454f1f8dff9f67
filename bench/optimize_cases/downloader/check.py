"""The downloader's program: greet with the package fetched at build time, then prove that TLS
would work by loading the system CA store (offline: nothing is contacted)."""

import ssl
import subprocess
import sys

context = ssl.create_default_context()
authorities = context.cert_store_stats()["x509_ca"]
if authorities == 0:
    print("CERTIFICATE_VERIFY_FAILED: no CA certificates in the system store", file=sys.stderr)
    sys.exit(1)
greeting = subprocess.run(["hello"], capture_output=True, text=True, check=True).stdout.strip()
print(f"{greeting} ({authorities} CA certificates trusted)")
