using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Facade.Bench.Servers;

/// <summary>Self-signed RSA certificates for the edge's production key configuration, made fresh for every run.</summary>
internal static class Certificates
{
    /// <summary>Writes <c>name.pfx</c> (certificate and private key) and <c>name.pub.pem</c> (public key) into the folder.</summary>
    public static (string Pfx, string PublicKeyPem) Create(string folder, string name, X509KeyUsageFlags usage)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=facade-bench-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));

        var pfx = Path.Combine(folder, name + ".pfx");
        var pem = Path.Combine(folder, name + ".pub.pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12));
        File.WriteAllText(pem, rsa.ExportSubjectPublicKeyInfoPem() + "\n");
        return (pfx, pem);
    }
}
