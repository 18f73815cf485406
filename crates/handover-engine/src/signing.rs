//! The integrator's signing identity: created by Handover (an integrator CA plus a signing leaf) or imported
//! from a PKCS#12 file, kept in the OS keyring, shared by every project on this laptop. The CA certificate is
//! written to a file for IT to trust; it is public. Front ends reach it through [`Signing`] (no project needed)
//! and sign through `Session::write_report`, which takes the identity from the session's keyring.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use handover_report::{IdentityDescription, SigningIdentity};
use handover_vault::{CredentialStore, EntryKey, SecretString, names};
use time::OffsetDateTime;

use crate::env::Env;
use crate::error::{Error, Result};

/// What the identity in the keyring is: its certificate as `describe` reads it, and the CA certificate file
/// IT is given (None for an imported identity whose chain carries no CA).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IdentityView {
    /// Subject, issuer, organisation, validity, fingerprint and key of the signing certificate.
    #[serde(flatten)]
    pub certificate: IdentityDescription,
    /// The CA certificate for IT to trust, written to the data folder.
    pub ca_path: Option<PathBuf>,
}

/// The laptop-wide signing identity, in the environment's keyring and data folder: what `handover
/// sign-identity` and the app's Handover screen show, create and import.
pub struct Signing {
    store: Arc<dyn CredentialStore>,
    data: PathBuf,
    now: OffsetDateTime,
}

impl Signing {
    /// Opens the environment's keyring now (a locked or missing one is a `keyring-unavailable` error saying
    /// what to do).
    pub fn open(env: &Env) -> Result<Signing> {
        Ok(Signing {
            store: env.keyring()?,
            data: env.data_dir.clone(),
            now: env.clock.now(),
        })
    }

    /// Over a keyring a session already opened.
    pub(crate) fn with(
        store: Arc<dyn CredentialStore>,
        data: &Path,
        now: OffsetDateTime,
    ) -> Signing {
        Signing {
            store,
            data: data.to_owned(),
            now,
        }
    }

    /// The identity in the keyring, if one was created or imported.
    pub fn show(&self) -> Result<Option<IdentityView>> {
        load(self.store.as_ref())?
            .map(|id| self.view(&id))
            .transpose()
    }

    /// Creates an integrator CA and a signing certificate (the signer's name and the integrator's
    /// organisation, both on the certificate); refuses to replace an identity unless `replace`.
    pub fn create(&self, name: &str, org: &str, replace: bool) -> Result<IdentityView> {
        let (name, org) = (name.trim(), org.trim());
        if name.is_empty() || org.is_empty() {
            return Err(Error::Invalid(
                "give the signer's name and the integrator's organisation: both appear on the certificate"
                    .into(),
            ));
        }
        create(
            self.store.as_ref(),
            &self.data,
            name,
            org,
            self.now,
            replace,
        )?;
        self.view(&self.require()?)
    }

    /// Imports an identity (certificate and key) from a PKCS#12 file, replacing the one there; a wrong
    /// password or an unusable certificate is refused and the old identity stays.
    pub fn import_pkcs12(&self, file: &Path, password: &SecretString) -> Result<IdentityView> {
        if file.as_os_str().is_empty() {
            return Err(Error::Invalid(
                "choose the .p12 or .pfx file to import".into(),
            ));
        }
        import_pkcs12(self.store.as_ref(), file, password.expose())?;
        self.view(&self.require()?)
    }

    /// The identity that signs, or what to do when there is none.
    pub(crate) fn require(&self) -> Result<SigningIdentity> {
        load(self.store.as_ref())?.ok_or(Error::NoSigningIdentity)
    }

    /// The identity as shown, with its CA certificate file written again when it is missing.
    pub(crate) fn view(&self, id: &SigningIdentity) -> Result<IdentityView> {
        Ok(IdentityView {
            certificate: id.describe()?,
            ca_path: ensure_ca_file(id, &self.data)?,
        })
    }
}

/// The pseudo-project under which integrator-wide secrets are kept in the keyring.
pub const INTEGRATOR: &str = "integrator";
const CA_KEY: &str = "report-signing-ca-key";

fn key(name: &str) -> Result<EntryKey> {
    Ok(EntryKey::other(INTEGRATOR, name)?)
}

/// Where the public CA certificate is written for IT.
fn ca_cert_path(data: &Path) -> PathBuf {
    data.join("signing").join("handover-ca.pem")
}

/// Writes the identity's CA certificate (public) to the data folder if it is not there, e.g. after the folder
/// was cleared or on another data folder; returns its path. None for an identity without a CA in its chain.
fn ensure_ca_file(id: &SigningIdentity, data: &Path) -> Result<Option<PathBuf>> {
    let path = ca_cert_path(data);
    if path.is_file() {
        return Ok(Some(path));
    }
    let Some(pem) = id.root_pem()? else {
        return Ok(None);
    };
    let dir = path.parent().unwrap_or(data);
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        source,
    })?;
    std::fs::write(&path, pem).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(Some(path))
}

/// The identity in the keyring, if one was created or imported.
fn load(store: &dyn CredentialStore) -> Result<Option<SigningIdentity>> {
    let Some(secret) = store.find(&key(names::REPORT_SIGNING_KEY)?)? else {
        return Ok(None);
    };
    let bytes =
        zeroize::Zeroizing::new(STANDARD.decode(secret.expose().as_bytes()).map_err(|_| {
            Error::Invalid(
                "the signing identity in the keyring is damaged: create or import it again".into(),
            )
        })?);
    Ok(Some(SigningIdentity::from_bytes(&bytes)?))
}

fn save(store: &dyn CredentialStore, id: &SigningIdentity) -> Result<()> {
    let bytes = id.to_bytes()?;
    store.put(
        &key(names::REPORT_SIGNING_KEY)?,
        &SecretString::new(STANDARD.encode(bytes.as_slice())),
    )?;
    Ok(())
}

/// Creates an integrator CA and a signing certificate, keeps both keys in the keyring, and writes the CA
/// certificate (for IT to trust) to the data folder. Refuses to replace an existing identity unless `replace`.
fn create(
    store: &dyn CredentialStore,
    data: &Path,
    name: &str,
    org: &str,
    now: OffsetDateTime,
    replace: bool,
) -> Result<IdentityDescription> {
    if !replace && load(store)?.is_some() {
        return Err(Error::Invalid("a signing identity exists already; use --replace to make a new one (IT must then trust the new CA)".into()));
    }
    let (ca, id) = SigningIdentity::create_integrator_ca(name, org, now, &mut rand::rngs::OsRng)?;
    store.put(
        &key(CA_KEY)?,
        &SecretString::new(STANDARD.encode(ca.ca_key.as_slice())),
    )?;
    save(store, &id)?;
    let path = ca_cert_path(data);
    let dir = path.parent().unwrap_or(data);
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        source,
    })?;
    std::fs::write(&path, &ca.ca_cert_pem).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(id.describe()?)
}

/// Imports an identity from a PKCS#12 file of the integrator's own PKI.
fn import_pkcs12(
    store: &dyn CredentialStore,
    file: &Path,
    password: &str,
) -> Result<IdentityDescription> {
    let bytes = crate::files::read_capped(file, crate::files::PKCS12, "a PKCS#12 identity")?;
    let id = SigningIdentity::from_pkcs12(&bytes, password)?;
    save(store, &id)?;
    Ok(id.describe()?)
}
