using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Facade.Proxy.Tests.Keys;

/// <summary>Self-signed RSA (and ECDSA P-256) signing certificates written as .pfx files, as an operator would configure them.</summary>
internal static class TestCertificates
{
    public static string CreatePfx(string folder, string name, TimeSpan lifetime)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=facade-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(lifetime));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }

    public static string CreateEcdsaPfx(string folder, string name, TimeSpan lifetime)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=facade-{name}", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(lifetime));
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }

    public static string Thumbprint(string pfx) =>
        X509CertificateLoader.LoadPkcs12FromFile(pfx, null).Thumbprint;
}
