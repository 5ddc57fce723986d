namespace Facade.Proxy.Keys;

/// <summary>
/// <c>Facade:Keys</c>. Outside Development at least one signing certificate is required.
/// Rotation: add the new certificate beside the old one. The valid certificate that expires last signs (OpenIddict's
/// rule; one not yet valid is published but not used); every listed certificate stays in the JWKS and keeps
/// validating the tokens it signed. Remove the old one once its last access token has expired.
/// </summary>
public sealed class KeyOptions
{
    public const string SectionName = "Facade:Keys";

    public List<CertificateReference> SigningCertificates { get; set; } = [];

    /// <summary>
    /// Development only, when no certificate is configured: the algorithm of the generated key, <c>RS256</c> (default)
    /// or <c>ES256</c>. With certificates the key decides: RSA signs RS256, ECDSA P-256 signs ES256.
    /// </summary>
    public string DevelopmentAlgorithm { get; set; } = SigningAlgorithms.RS256;

    /// <summary>
    /// The ASP.NET Core Data Protection key ring: it protects authorization codes, refresh tokens and cookies, so
    /// every node of a cluster needs the same one (a shared folder). Relative paths are under the data directory;
    /// by default <c>&lt;DataDirectory&gt;/dataprotection</c>. Not used on PostgreSQL, where the ring is kept in the database.
    /// </summary>
    public string? DataProtectionDirectory { get; set; }
}

public sealed class CertificateReference
{
    /// <summary>Path to a PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string Path { get; set; } = "";

    public string? Password { get; set; }
}
