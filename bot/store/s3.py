"""Copies in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …): s3://bucket/prefix. boto3 is
the well-kept client for all of them; it reads credentials, region and endpoint the standard way
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL), so Parley adds no
settings of its own. Keys are the prefix and the hash, never anything a person typed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import StoreError
from models import EvidenceItem

_SHA = re.compile(r"[0-9a-f]{64}")


class S3Store:
    kind = "s3"

    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._client = client

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        parsed = urlparse(url)
        return cls(parsed.netloc, parsed.path)

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # here, not at import: it takes a while, and most installs never need it

            self._client = boto3.client("s3")
        return self._client

    def _key(self, sha256: str) -> str:
        if not _SHA.fullmatch(sha256):
            raise StoreError("not a SHA-256")
        return f"{self.prefix}/{sha256}" if self.prefix else sha256

    def put(self, session: Session | None, sha256: str, data: bytes) -> str:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data)
        except StoreError:
            raise
        except Exception as error:
            raise StoreError(f"the bucket refused the copy: {error}") from error
        return f"s3:{sha256}"

    def get(self, session: Session, ref: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(ref.removeprefix("s3:")))
        except StoreError:
            raise
        except Exception as error:
            if getattr(error, "response", {}).get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StoreError(f"the bucket would not give the copy back: {error}") from error
        return bytes(answer["Body"].read())

    def delete(self, session: Session, ref: str) -> None:
        if session.scalar(select(EvidenceItem.id).where(EvidenceItem.stored_ref == ref).limit(1)) is None:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(ref.removeprefix("s3:")))
