using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Langfuse.Infrastructure.Configuration;
using Marten;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Langfuse.Infrastructure.Auth;

/// <summary>One ASP.NET Data Protection key (the keys that sign session and CSRF cookies), as Postgres keeps it.</summary>
public sealed class DataProtectionKey
{
    public string Id { get; set; } = "";
    public string Xml { get; set; } = "";
}

/// <summary>
/// The cookie-signing key ring, kept in Postgres: every instance reads the same keys, so a session made by one
/// instance is valid on the others and survives restarts. Each key is stored encrypted (<see cref="SecretKeyEncryptor"/>).
/// </summary>
sealed class PostgresKeyRing(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection asks synchronously, when it (re)loads the key ring: at start and about once a day, not per request.
        using var session = store.QuerySession();
        var keys = session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult();
        return keys.Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new DataProtectionKey { Id = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Encrypts each key before it reaches Postgres with AES-GCM under a key derived from NEXTAUTH_SECRET (or, when that
/// is unset, from SALT): a copy of the database alone cannot forge a session. Changing the secret signs everyone out.
/// </summary>
sealed class SecretKeyEncryptor(LangfuseSettings settings) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var key = SecretKeyDecryptor.KeyFrom(settings);
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16)) aes.Encrypt(nonce, plain, cipher, tag);
        var element = new XElement("encryptedKey",
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(cipher));
        return new EncryptedXmlInfo(element, typeof(SecretKeyDecryptor));
    }
}

/// <summary>Created by Data Protection through its (IServiceProvider) constructor when it reads a key back.</summary>
sealed class SecretKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = KeyFrom(services.GetRequiredService<LangfuseSettings>());
        var nonce = Convert.FromBase64String((string)encryptedElement.Attribute("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Attribute("tag")!);
        var cipher = Convert.FromBase64String(encryptedElement.Value);
        var plain = new byte[cipher.Length];
        using (var aes = new AesGcm(key, 16)) aes.Decrypt(nonce, cipher, tag, plain);
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    internal static byte[] KeyFrom(LangfuseSettings settings) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(settings.Identity.SessionSecret ?? settings.Salt),
            32, info: Encoding.UTF8.GetBytes("langfuse-dotnet data protection keys"));
}
