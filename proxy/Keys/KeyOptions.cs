namespace Facade.Proxy.Keys;

/// <summary>
/// <c>Facade:Keys</c>. Outside Development at least one signing and one encryption certificate are required.
/// Rotation: add the new certificate beside the old one. The valid certificate that expires last signs (OpenIddict's
/// rule; one not yet valid is published but not used); every listed certificate stays in the JWKS and keeps
/// validating the tokens it signed. Remove the old one once its last access token has expired.
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
