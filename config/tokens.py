"""Secrets we give out (postback tokens, API keys) are stored only as SHA-256 digests."""

import hashlib
import hmac


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, digest: str) -> bool:
    # Constant time: no timing hint about the stored digest.
    return bool(digest) and hmac.compare_digest(hash_token(token), digest)
