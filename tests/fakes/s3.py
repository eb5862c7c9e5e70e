"""A local S3-compatible server: moto in server mode on 127.0.0.1 and a free port, over real HTTP.

It starts with one bucket and one IAM user whose key may do anything in S3; after that every
request must be signed by a key moto knows (moto's `reset-auth` with 0), so a wrong key or secret
is refused the way a real S3 refuses it. moto keeps its state per process: it is reset on exit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import boto3
import requests
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


@dataclass(frozen=True)
class LocalS3:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str

    def url(self, *, folder: str = "site", secret: str | None = None) -> str:
        """BACKUP_S3_URL pointing at this server (plain HTTP, hence s3+http)."""
        address = self.endpoint.removeprefix("http://")
        credentials = f"{quote(self.access_key, safe='')}:{quote(secret or self.secret_key, safe='')}"
        return f"s3+http://{credentials}@{address}/{self.bucket}/{folder}?region={REGION}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def object_keys(self, prefix: str = "") -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def _setup_client(service: str, endpoint: str):
    # Before authentication is switched on moto accepts any key, as its docs describe.
    return boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="setup", aws_secret_access_key="setup"
    )


@contextmanager
def local_s3(bucket: str = "snt-backups") -> Iterator[LocalS3]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        iam = _setup_client("iam", endpoint)
        iam.create_user(UserName="snt-backup")
        iam.put_user_policy(UserName="snt-backup", PolicyName="backups", PolicyDocument=json.dumps(ALLOW_S3))
        key = iam.create_access_key(UserName="snt-backup")["AccessKey"]
        _setup_client("s3", endpoint).create_bucket(Bucket=bucket)
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()
        yield LocalS3(endpoint, bucket, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"inf", timeout=10)
        requests.post(f"{endpoint}/moto-api/reset", timeout=10)
        server.stop()
