using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Facade.Bench.Load;

/// <summary>Writes a PUBLISH payload into the buffer given; returns its length.</summary>
internal delegate int PayloadWriter(Span<byte> destination);

/// <summary>
/// The few MQTT 5 packets a publishing device needs, on one socket: CONNECT (clean start, user name and password, no
/// keep-alive), PUBLISH at QoS 1 answered by its PUBACK, DISCONNECT. One publish at a time; anything else the broker
/// sends is skipped, except a DISCONNECT, which ends the connection.
/// </summary>
internal sealed class MqttWire : IDisposable
{
    private const int ConnAck = 2;
    private const int PubAck = 4;
    private const int Disconnect = 14;

    private readonly Socket _socket;
    private readonly byte[] _send = new byte[2048];
    private readonly byte[] _receive = new byte[8192];
    private int _start;
    private int _end;
    private volatile bool _closed;

    private MqttWire(Socket socket) => _socket = socket;

    public bool IsConnected => !_closed;

    public static async Task<MqttWire> ConnectAsync(EndPoint broker, string clientId, string? secret)
    {
        var wire = new MqttWire(new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            await wire._socket.ConnectAsync(broker);
            await wire.SendAsync(0, wire.WriteConnect(clientId, secret));
            var (type, body) = await wire.ReadPacketAsync();
            if (type != ConnAck || body.Length < 2 || body.Span[1] != 0)
            {
                throw new InvalidOperationException($"{clientId}: the broker did not accept the connection (packet type {type}, reason {(body.Length > 1 ? body.Span[1] : -1)}).");
            }
        }
        catch
        {
            wire.Dispose();
            throw;
        }

        return wire;
    }

    /// <summary>Publishes at QoS 1 and waits for the PUBACK; its reason code (0: success).</summary>
    public async Task<int> PublishAtLeastOnceAsync(byte[] topic, ushort packetId, PayloadWriter payload)
    {
        var (start, length) = WritePublish(topic, packetId, payload);
        await SendAsync(start, length);
        while (true)
        {
            var (type, body) = await ReadPacketAsync();
            if (type == PubAck && body.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(body.Span) == packetId)
            {
                return body.Length >= 3 ? body.Span[2] : 0;
            }

            if (type == Disconnect)
            {
                throw new IOException($"The broker disconnected (reason {(body.Length > 0 ? body.Span[0] : 0)}).");
            }
        }
    }

    public async Task DisconnectAsync()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            _send[0] = Disconnect << 4;
            _send[1] = 0;
            await SendAsync(0, 2);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _closed = true;
        _socket.Dispose();
    }

    private int WriteConnect(string clientId, string? secret)
    {
        var body = new List<byte>
        {
            0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5,
            (byte)(0x02 | (secret is null ? 0 : 0xC0)), // clean start; user name and password when there is a secret
            0, 0, // keep-alive off: the benchmark keeps connections idle between runs
            0, // no properties
        };
        AddString(body, clientId);
        if (secret is not null)
        {
            AddString(body, clientId);
            AddString(body, secret);
        }

        var length = 0;
        _send[length++] = 1 << 4;
        length += WriteVariableInteger(_send.AsSpan(length), body.Count);
        body.CopyTo(_send, length);
        return length + body.Count;
    }

    /// <summary>
    /// PUBLISH, QoS 1: the payload is written first, after room for the largest header, and the header right before
    /// it, so nothing is copied. Returns where the packet starts in the send buffer, and its length.
    /// </summary>
    private (int Start, int Length) WritePublish(byte[] topic, ushort packetId, PayloadWriter payload)
    {
        var headerRoom = 1 + 4 + 2 + topic.Length + 2 + 1;
        var payloadLength = payload(_send.AsSpan(headerRoom));
        var remaining = 2 + topic.Length + 2 + 1 + payloadLength;
        Span<byte> lengthBytes = stackalloc byte[4];
        var lengthSize = WriteVariableInteger(lengthBytes, remaining);
        var start = headerRoom - (1 + lengthSize + 2 + topic.Length + 2 + 1);
        var span = _send.AsSpan(start);
        span[0] = (3 << 4) | (1 << 1); // PUBLISH, QoS 1
        lengthBytes[..lengthSize].CopyTo(span[1..]);
        var at = 1 + lengthSize;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)topic.Length);
        topic.CopyTo(span[(at + 2)..]);
        at += 2 + topic.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
        span[at + 2] = 0; // no properties
        return (start, headerRoom + payloadLength - start);
    }

    private async Task SendAsync(int start, int length)
    {
        while (length > 0)
        {
            var sent = await _socket.SendAsync(_send.AsMemory(start, length), SocketFlags.None);
            start += sent;
            length -= sent;
        }
    }

    /// <summary>The next packet: its type and its body (valid until the next read).</summary>
    private async Task<(int Type, ReadOnlyMemory<byte> Body)> ReadPacketAsync()
    {
        while (true)
        {
            if (TryParse(out var type, out var bodyStart, out var bodyLength))
            {
                _start = bodyStart + bodyLength;
                return (type, _receive.AsMemory(bodyStart, bodyLength));
            }

            if (_start > 0)
            {
                // Move what is left of a partial packet to the front, then read more after it.
                Array.Copy(_receive, _start, _receive, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _receive.Length)
            {
                throw new IOException("The broker sent a packet larger than the receive buffer.");
            }

            var read = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The broker closed the connection.");
            }

            _end += read;
        }
    }

    private bool TryParse(out int type, out int bodyStart, out int bodyLength)
    {
        type = bodyStart = bodyLength = 0;
        var available = _end - _start;
        if (available < 2)
        {
            return false;
        }

        var length = 0;
        for (var i = 0; i < 4; i++)
        {
            if (1 + i >= available)
            {
                return false;
            }

            var b = _receive[_start + 1 + i];
            length |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (available < 2 + i + length)
                {
                    return false;
                }

                type = _receive[_start] >> 4;
                bodyStart = _start + 2 + i;
                bodyLength = length;
                return true;
            }
        }

        throw new IOException("The broker sent a malformed packet length.");
    }

    private static int WriteVariableInteger(Span<byte> destination, int value)
    {
        var i = 0;
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            destination[i++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
        return i;
    }

    private static void AddString(List<byte> body, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }
}
