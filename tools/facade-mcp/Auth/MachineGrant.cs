namespace Facade.Mcp.Bridge.Auth;

/// <summary>How a machine identity (no person, no browser) gets its access token: <c>--grant</c>.</summary>
internal enum MachineGrantKind
{
    /// <summary>OAuth 2.1 client_credentials with the client's secret or a private_key_jwt assertion (SEP-1046).</summary>
    ClientCredentials,

    /// <summary>
    /// Enterprise cross-app access (SEP-990): the IdP's ID token is exchanged at the IdP for an identity assertion
    /// authorization grant (ID-JAG, RFC 8693), which the client presents at the resource's authorization server as a JWT
    /// bearer grant (RFC 7523).
    /// </summary>
    CrossAppAccess,
}

/// <summary>A machine identity's settings. The secrets (private key, ID token) are never logged.</summary>
internal sealed record MachineGrant(MachineGrantKind Kind)
{
    /// <summary>PEM of the client's private key (EC P-256 or RSA) for private_key_jwt; null: the client's secret.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>The IdP's token endpoint for the token exchange (cross-app access).</summary>
    public Uri? IdpTokenEndpoint { get; init; }

    /// <summary>The client id the bridge has at the IdP, sent with the token exchange when set.</summary>
    public string? IdpClientId { get; init; }

    /// <summary>The ID token the IdP issued to the person this machine acts for (<c>FACADE_MCP_IDP_ID_TOKEN</c>).</summary>
    public string? IdpIdToken { get; init; }
}
