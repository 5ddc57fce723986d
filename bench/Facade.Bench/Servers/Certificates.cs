using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Facade.Bench.Servers;

/// <summary>Self-signed certificates (RSA 2048, or ECDSA P-256 for ES256) for the edge's production key configuration, made fresh for every run.</summary>
internal static class Certificates
{
    /// <summary>Writes <c>name.pfx</c> (certificate and private key) and <c>name.pub.pem</c> (public key) into the folder.</summary>
    public static (string Pfx, string PublicKeyPem) Create(string folder, string name, X509KeyUsageFlags usage, string algorithm = "RS256")
    {
        using AsymmetricAlgorithm key = algorithm == "ES256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ecdsa
            ? new CertificateRequest($"CN=facade-bench-{name}", ecdsa, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN=facade-bench-{name}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));

        var pfx = Path.Combine(folder, name + ".pfx");
        var pem = Path.Combine(folder, name + ".pub.pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12));
        File.WriteAllText(pem, key.ExportSubjectPublicKeyInfoPem() + "\n");
        return (pfx, pem);
    }
}
