//! The crate's one error type, [`Error`]. It carries the real source error of each
//! failing layer (PDF parser, DER codec, X.509 builder, PKCS#12, JSON/CSV) and has
//! question methods for the cases a caller treats differently. A *bad signature* found by
//! [`crate::verify()`] is not an error: it is data in the returned [`crate::Verification`], and an
//! embedded inventory that cannot be read is a [`crate::TwinProblem`] in the [`crate::Reading`].

/// Everything that can go wrong while rendering, exporting, signing or loading an identity.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bundled font could not be parsed (a broken build, never user input).
    #[error("the bundled font {0} could not be parsed")]
    Font(&'static str),
    /// Subsetting the bundled font failed.
    #[error("font subsetting: {0}")]
    FontSubset(#[source] allsorts::subset::SubsetError),
    /// The PDF could not be parsed or written by lopdf.
    #[error("PDF structure: {0}")]
    Pdf(#[from] lopdf::Error),
    /// The PDF writer (printpdf's lopdf) failed.
    #[error("PDF writer: {0}")]
    PdfWrite(#[source] std::io::Error),
    /// The document is not a PDF this crate can sign (e.g. no pages, or already has our placeholder).
    #[error("unsupported PDF: {0}")]
    UnsupportedPdf(&'static str),
    /// The CMS signature does not fit into the reserved `/Contents` space.
    #[error("signature of {needed} bytes does not fit the {reserved} bytes reserved")]
    SignatureTooLarge {
        /// DER length of the CMS structure.
        needed: usize,
        /// Bytes reserved in the placeholder.
        reserved: usize,
    },
    /// DER encoding or decoding failed.
    #[error("DER: {0}")]
    Der(#[from] der::Error),
    /// PEM encoding or decoding failed.
    #[error("PEM: {0:?}")]
    Pem(der::pem::Error),
    /// Building the CMS structure failed.
    #[error("CMS builder: {0:?}")]
    Cms(cms::builder::Error),
    /// Building a certificate failed.
    #[error("certificate builder: {0}")]
    CertBuilder(#[from] x509_cert::builder::Error),
    /// A signature operation failed.
    #[error("signature: {0}")]
    Signature(#[from] signature::Error),
    /// An RSA key could not be used.
    #[error("RSA: {0}")]
    Rsa(#[from] rsa::Error),
    /// A PKCS#8 private key could not be decoded.
    #[error("PKCS#8: {0}")]
    Pkcs8(#[from] pkcs8::Error),
    /// A public key could not be decoded.
    #[error("SPKI: {0}")]
    Spki(#[from] spki::Error),
    /// The PKCS#12 file could not be read (wrong password, changed, corrupt or unsupported).
    #[error("PKCS#12: {0}")]
    Pkcs12(#[from] crate::sign::pkcs12::Pkcs12Error),
    /// The PKCS#12 file holds no private key with a certificate chain.
    #[error("the PKCS#12 file holds no private key with a certificate")]
    Pkcs12NoKey,
    /// The key algorithm is neither RSA nor ECDSA P-256.
    #[error("unsupported key algorithm {0}")]
    UnsupportedKey(der::asn1::ObjectIdentifier),
    /// The private key does not belong to the certificate.
    #[error("the private key does not match the certificate's public key")]
    KeyMismatch,
    /// The certificate's key usage allows neither digitalSignature nor nonRepudiation.
    #[error(
        "the certificate is not allowed to sign documents (key usage lacks digitalSignature and nonRepudiation)"
    )]
    NotASigningCertificate,
    /// A stored identity (see [`crate::SigningIdentity::to_bytes`]) is malformed.
    #[error("malformed identity bundle: {0}")]
    IdentityBundle(&'static str),
    /// JSON export failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV export failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A timestamp could not be formatted or is out of range.
    #[error("time: {0}")]
    Time(#[from] time::error::ComponentRange),
}

impl Error {
    /// Whether the error is about a file the user gave (a PKCS#12 identity that is malformed, locked with another
    /// password, holds no key, or whose certificate may not sign): input refused, nothing changed.
    pub fn is_refused_input(&self) -> bool {
        matches!(
            self,
            Error::Pkcs12(_)
                | Error::Pkcs12NoKey
                | Error::UnsupportedKey(_)
                | Error::KeyMismatch
                | Error::NotASigningCertificate
        )
    }
}

// These two source errors do not implement `std::error::Error` in the versions used, so
// they are carried (not chained as `source()`) and converted by hand.
impl From<der::pem::Error> for Error {
    fn from(e: der::pem::Error) -> Self {
        Error::Pem(e)
    }
}

impl From<cms::builder::Error> for Error {
    fn from(e: cms::builder::Error) -> Self {
        Error::Cms(e)
    }
}

impl Error {
    /// True when a PKCS#12 import failed, most often because of a wrong password.
    pub fn is_pkcs12(&self) -> bool {
        matches!(self, Error::Pkcs12(_) | Error::Pkcs12NoKey)
    }

    /// True when a PKCS#12 password does not open the file.
    pub fn is_wrong_password(&self) -> bool {
        matches!(
            self,
            Error::Pkcs12(crate::sign::pkcs12::Pkcs12Error::WrongPassword)
        )
    }

    /// True when the key or certificate is of a kind this crate cannot sign with.
    pub fn is_unsupported_key(&self) -> bool {
        matches!(
            self,
            Error::UnsupportedKey(_) | Error::KeyMismatch | Error::NotASigningCertificate
        )
    }

    /// True when the input PDF could not be processed (parse error or unsupported layout).
    pub fn is_pdf(&self) -> bool {
        matches!(self, Error::Pdf(_) | Error::UnsupportedPdf(_))
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
