#!/usr/bin/env python3
"""jwt.py: makes keys and tokens for the auth tests, independently of the
code under test (python3-cryptography, not our C).

  jwt.py genkey rsa|ec|rsa1024 DIR NAME [KID]
      DIR/NAME.pem (private), DIR/NAME.pub.pem, DIR/NAME.jwk (public JWK)
  jwt.py sign ALG KEY HEADER_JSON CLAIMS_JSON
      ALG: RS256 RS384 RS512 ES256 ES384 HS256 none; KEY: a private PEM, or
      for HS256 a file whose bytes are the secret.  HEADER_JSON is merged
      over {"alg": ALG, "typ": "JWT"} (a null value deletes a member).
"""
import base64, json, sys
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def uint(n):
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def genkey(kind, d, name, kid):
    if kind == "ec":
        k = ec.generate_private_key(ec.SECP256R1())
    else:
        k = rsa.generate_private_key(65537, 1024 if kind == "rsa1024" else 2048)
    open(f"{d}/{name}.pem", "wb").write(k.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    pub = k.public_key()
    open(f"{d}/{name}.pub.pem", "wb").write(pub.public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo))
    n = pub.public_numbers()
    if kind == "ec":
        jwk = {"kty": "EC", "crv": "P-256", "x": b64(n.x.to_bytes(32, "big")),
               "y": b64(n.y.to_bytes(32, "big"))}
    else:
        jwk = {"kty": "RSA", "n": uint(n.n), "e": uint(n.e)}
    jwk.update({"kid": kid or name, "use": "sig"})
    open(f"{d}/{name}.jwk", "w").write(json.dumps(jwk))


HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def sign(alg, keyfile, header, claims):
    h = {"alg": alg, "typ": "JWT"}
    for k, v in json.loads(header).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    inp = (b64(json.dumps(h, separators=(",", ":")).encode()) + "." +
           b64(claims.encode())).encode()
    if alg == "none":
        return inp.decode() + "."
    if alg.startswith("HS"):
        m = hmac.HMAC(open(keyfile, "rb").read(), HASH[alg[2:]]())
        m.update(inp)
        return inp.decode() + "." + b64(m.finalize())
    key = serialization.load_pem_private_key(open(keyfile, "rb").read(), None)
    if alg.startswith("RS"):
        sig = key.sign(inp, padding.PKCS1v15(), HASH[alg[2:]]())
    else:
        r, s = decode_dss_signature(key.sign(inp, ec.ECDSA(HASH[alg[2:]]())))
        size = (key.curve.key_size + 7) // 8
        sig = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return inp.decode() + "." + b64(sig)


if __name__ == "__main__":
    if sys.argv[1] == "genkey":
        genkey(sys.argv[2], sys.argv[3], sys.argv[4],
               sys.argv[5] if len(sys.argv) > 5 else None)
    elif sys.argv[1] == "sign":
        print(sign(*sys.argv[2:6]))
    else:
        sys.exit(__doc__)
