namespace Facade.Proxy.Keys;

/// <summary>
/// <c>Facade:Keys</c>. Outside Development at least one signing and one encryption certificate are required.
/// The first signing certificate signs; the others stay in the JWKS so tokens they signed keep validating until they expire.
/// </summary>
public sealed class KeyOptions
{
    public const string SectionName = "Facade:Keys";

    public List<CertificateReference> SigningCertificates { get; set; } = [];

    public List<CertificateReference> EncryptionCertificates { get; set; } = [];
}

public sealed class CertificateReference
{
    /// <summary>Path to a PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string Path { get; set; } = "";

    public string? Password { get; set; }
}
