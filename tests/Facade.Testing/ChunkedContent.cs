using System.Net.Http.Headers;

namespace Facade.Testing;

/// <summary>
/// A request body without a Content-Length, so HttpClient sends it chunked: the server cannot refuse it up front and
/// has to enforce its size limits while reading.
/// </summary>
public static class ChunkedContent
{
    public static HttpContent Create(byte[] body, string contentType)
    {
        var content = new StreamContent(new UnseekableStream(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
