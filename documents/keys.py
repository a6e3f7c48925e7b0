"""The school's signing key and the certificate chain a verifier trusts.

Production reads one PKCS#12 file (``SIGNING_PKCS12_PATH`` + ``SIGNING_PKCS12_PASSPHRASE``;
``portal/settings/prod.py`` refuses to start without them). Development and tests have no such
file: on first use a local CA and a signing certificate with Vietnamese subject names are created
under ``SIGNING_DEV_DIR`` (git-ignored) as one PKCS#12 file, which is then loaded exactly like the
production one. See docs/adr/0014-signed-documents.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .exceptions import SigningKeyUnavailable

DEV_PKCS12_NAME = "school-signing-dev.p12"
# The development file never leaves the developer's machine; a passphrase on it would only be
# another constant in the source.
DEV_PASSPHRASE = ""
DEV_CA_COMMON_NAME = "CA nội bộ thử nghiệm (không có giá trị pháp lý)"
HCMC = "Thành phố Hồ Chí Minh"


@dataclass(frozen=True)
class SigningMaterial:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    trust_roots: tuple[x509.Certificate, ...]

    @property
    def signer_name(self) -> str:
        return common_name(self.certificate)

    def pyhanko_signer(self) -> SimpleSigner:
        return SimpleSigner(
            signing_cert=to_asn1_certificate(self.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                self.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [to_asn1_certificate(c) for c in self.chain]
            ),
        )

    def chain_pem(self) -> str:
        """The signing certificate, then its chain up to the root, in PEM."""
        certificates = (self.certificate, *self.chain)
        return "".join(
            c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates
        )


def to_asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def signing_material() -> SigningMaterial:
    """The configured key (production) or the local development one, created on first use."""
    if settings.SIGNING_PKCS12_PATH:
        path = Path(settings.SIGNING_PKCS12_PATH)
        passphrase = settings.SIGNING_PKCS12_PASSPHRASE
    else:
        path = dev_pkcs12_ensure(Path(settings.SIGNING_DEV_DIR))
        passphrase = DEV_PASSPHRASE
    extra_roots = settings.SIGNING_TRUST_ROOTS_PEM
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise SigningKeyUnavailable(f"signing key file {path} cannot be read: {exc}") from exc
    return _load_pkcs12(str(path), passphrase, extra_roots, stamp)


@functools.lru_cache(maxsize=4)
def _load_pkcs12(path: str, passphrase: str, extra_roots: str, _mtime_ns: int) -> SigningMaterial:
    try:
        key, certificate, additional = pkcs12.load_key_and_certificates(
            Path(path).read_bytes(), passphrase.encode() if passphrase else None
        )
    except (OSError, ValueError) as exc:
        raise SigningKeyUnavailable(
            f"signing key file {path} cannot be opened (wrong passphrase or not PKCS#12): {exc}"
        ) from exc
    if key is None or certificate is None:
        raise SigningKeyUnavailable(f"signing key file {path} holds no key and certificate")
    chain = tuple(additional)
    return SigningMaterial(
        key=key,
        certificate=certificate,
        chain=chain,
        trust_roots=trust_roots_of(certificate, chain, extra_roots),
    )


def trust_roots_of(
    certificate: x509.Certificate, chain: tuple[x509.Certificate, ...], extra_roots_pem: str
) -> tuple[x509.Certificate, ...]:
    """Self-signed certificates of the chain plus any configured root file; without either, the
    top of the chain (the school then vouches for its own issuing CA)."""
    roots = [c for c in chain if c.subject == c.issuer]
    if extra_roots_pem:
        roots += x509.load_pem_x509_certificates(Path(extra_roots_pem).read_bytes())
    if not roots:
        roots = [chain[-1] if chain else certificate]
    return tuple(roots)


def dev_pkcs12_ensure(directory: Path) -> Path:
    """Create the development CA and signing certificate once; concurrent first uses agree on one
    file because it is published with an atomic link."""
    path = directory / DEV_PKCS12_NAME
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    scratch = directory / f".{uuid.uuid4().hex}.tmp"
    scratch.write_bytes(dev_pkcs12_bytes(organisation=settings.DOCUMENTS_ISSUER_NAME))
    os.chmod(scratch, 0o600)
    try:
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        scratch.unlink()
    return path


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, HCMC),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
        ]
    )


def dev_pkcs12_bytes(*, organisation: str) -> bytes:
    """A fresh local CA and a signing certificate issued by it, as an unencrypted PKCS#12."""
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name(DEV_CA_COMMON_NAME, organisation)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, organisation))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1095))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=b"school-signing",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.NoEncryption(),
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
