using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;

namespace Facade.Proxy.Pages.Console;

/// <summary><c>/console/tokens</c>: the user's token ledger, newest first, and revoking one of their tokens.</summary>
internal sealed class TokensModel(
    UserManager<FacadeUser> users,
    TokenLedger ledger,
    TokenRevocation revocation,
    IOpenIddictApplicationManager applications,
    TimeProvider time) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "ended")]
    public bool ShowEnded { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "revoked")]
    public bool Revoked { get; set; }

    public IReadOnlyList<TokenRow> Tokens { get; private set; } = [];

    public int Total { get; private set; }

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        var page = await ledger.ListOfSubjectAsync(user.Id, ShowEnded, (PageNumber - 1) * PageSize, PageSize, HttpContext.RequestAborted);
        Total = page.Total;
        var now = time.GetUtcNow();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new List<TokenRow>(page.Tokens.Count);
        foreach (var token in page.Tokens)
        {
            rows.Add(new TokenRow(
                token.Jti,
                await ClientNameAsync(token, names),
                token.ClientId ?? "",
                token.Label,
                token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                token.CreatedAt,
                token.ExpiresAt,
                token.LastUsedAt,
                token.RevokedAt is not null ? "revoked" : token.ExpiresAt <= now ? "expired" : "live"));
        }

        Tokens = rows;
        return Page();
    }

    /// <summary>Revokes one of the user's own live tokens; anything else (another user's, unknown, ended) is 404.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(string? jti)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (string.IsNullOrEmpty(jti) || !await revocation.RevokeOwnAsync(user.Id, jti, time.GetUtcNow(), HttpContext.RequestAborted))
        {
            return NotFound();
        }

        return RedirectToPage(new { revoked = "true" });
    }

    private async Task<string> ClientNameAsync(ApiToken token, Dictionary<string, string> names)
    {
        switch (token.Label)
        {
            case ApiToken.FirstPartyLabel:
                return "This console";
            case ApiToken.ApiKeyLabel:
                return "API key";
        }

        if (token.ClientId is not { } clientId)
        {
            return "—";
        }

        if (!names.TryGetValue(clientId, out var name))
        {
            var application = await applications.FindByClientIdAsync(clientId, HttpContext.RequestAborted);
            name = application is null ? clientId : await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted) ?? clientId;
            names[clientId] = name;
        }

        return name;
    }

    public sealed record TokenRow(
        string Jti, string Client, string ClientId, string Label, IReadOnlyList<string> Scopes,
        DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? LastUsed, string State);
}
