// An independent OFTP2 (RFC 5024 §6, §5.3.13) CMS peer built on BouncyCastle, the library real OFTP2
// products use: it secures files (sign, compress, encrypt), undoes them with verification, and signs and
// verifies EERP/NERP signatures, so the tests can check our implementation against it in both directions.
//
// Run without a build step (Java 11+ source launch):
//   java -cp bcprov.jar:bcpkix.jar:bcutil.jar test/interop/bc/OftpCms.java COMMAND ARGS...
// Commands:
//   secure IN OUT [--sign CERT KEY] [--compress] [--encrypt CERT]... [--suite N]
//                 [--der] [--ski] [--certs] [--direct] [--typed]
//       RFC 5024 order: sign (SignedData, content attached), then compress (CompressedData, ZLIB), then
//       encrypt (EnvelopedData, RSA PKCS#1 v1.5 key transport, 3DES or AES-256 CBC as the suite says).
//       By default the stream generators write indefinite-length BER, as OFTP2 products do for big files;
//       --der writes each layer definite-length DER instead. --ski names signer and recipients by subject
//       key identifier instead of issuer and serial, --certs attaches the signer's certificate, --direct
//       signs without signed attributes, --typed gives each inner layer its real eContentType instead of
//       id-data. Each variant is something another product may send.
//   unwrap IN OUT [--decrypt CERT KEY] [--verify CERT] [--expect enveloped,compressed,signed]
//       Undoes the layers outermost first (exactly those of --expect, or as long as the data is one of the
//       three CMS types), prints one line per layer, and verifies every signature with CERT.
//   sign-eerp OUT --sign CERT KEY --suite N --dsn D --date D --time T --dest X --orig Y --hash HEX [--creator C]
//   verify-eerp SIG --cert CERT --dsn D --date D --time T --dest X --orig Y --hash HEX [--creator C] [--suite N]
//       The receipt signature of RFC 5024 §5.3.13 (EERP) and §5.3.14 (NERP, with --creator): SignedData
//       with content attached over DSN(26) DATE(8) TIME(10) DEST(25) ORIG(25) [CREA(25)] followed by the
//       hash, fields space-padded to full width. Built here from the field values, independently of ours.
//   batch JOBS
//       Runs one command per line of JOBS (arguments TAB-separated) in this JVM; prints a JSON array of
//       {code, stdout, stderr}.
// Keys are PEM (PKCS#8 or traditional RSA), certificates PEM. Exit codes: 0 success, 1 the data failed a
// check (signature, decryption, decompression, content), 2 usage or I/O error.

import java.io.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.X509Certificate;
import java.util.*;

import org.bouncycastle.asn1.*;
import org.bouncycastle.asn1.cms.*;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.*;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.*;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

public class OftpCms {
  /** A check on the data failed (exit 1), as opposed to a usage or I/O error (exit 2). */
  static class Rejected extends Exception {
    Rejected(String m) { super(m); }
    Rejected(String m, Throwable cause) { super(m + ": " + cause.getMessage(), cause); }
  }

  static class Usage extends Exception {
    Usage(String m) { super(m); }
  }

  /** Cipher suites 01-06 (RFC 5024 §10.2 and ODETTE's additions): content cipher and hash. */
  static final String[][] SUITES = {
    null,
    {"3des", "SHA1"}, {"aes256", "SHA1"}, {"3des", "SHA256"}, {"aes256", "SHA256"}, {"3des", "SHA512"}, {"aes256", "SHA512"},
  };
  static final Map<String, String> DIGEST_OID = Map.of("SHA1", "1.3.14.3.2.26", "SHA256", "2.16.840.1.101.3.4.2.1", "SHA512", "2.16.840.1.101.3.4.2.3");

  public static void main(String[] argv) {
    Security.addProvider(new BouncyCastleProvider());
    if (argv.length == 2 && argv[0].equals("batch")) System.exit(batch(argv[1]));
    System.exit(run(argv));
  }

  /** One command; returns its exit code. */
  static int run(String[] argv) {
    try {
      if (argv.length == 0) throw new Usage("no command");
      Args a = new Args(Arrays.copyOfRange(argv, 1, argv.length));
      switch (argv[0]) {
        case "secure": secure(a); break;
        case "unwrap": unwrap(a); break;
        case "sign-eerp": signEerp(a); break;
        case "verify-eerp": verifyEerp(a); break;
        default: throw new Usage("unknown command " + argv[0]);
      }
      return 0;
    } catch (Rejected e) {
      System.err.println("REJECTED: " + e.getMessage());
      return 1;
    } catch (Usage e) {
      System.err.println("usage: " + e.getMessage() + " (see the comment at the top of OftpCms.java)");
      return 2;
    } catch (Exception e) {
      System.err.println("ERROR: " + e);
      e.printStackTrace();
      return 2;
    }
  }

  /**
   * Runs many commands in one JVM (starting one, and compiling this file, costs seconds): JOBS holds one
   * command per line, arguments separated by TAB. Prints a JSON array of {code, stdout, stderr}, one per job.
   */
  static int batch(String jobsFile) {
    PrintStream realOut = System.out, realErr = System.err;
    List<String> results = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Paths.get(jobsFile))) {
        if (line.isEmpty()) continue;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
          code = run(line.split("\t"));
        } finally {
          System.setOut(realOut);
          System.setErr(realErr);
        }
        results.add("{\"code\":" + code + ",\"stdout\":" + json(out.toString(StandardCharsets.UTF_8)) + ",\"stderr\":" + json(err.toString(StandardCharsets.UTF_8)) + "}");
      }
    } catch (IOException e) {
      realErr.println("ERROR: " + e);
      return 2;
    }
    realOut.println("[" + String.join(",\n", results) + "]");
    return 0;
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  // ------------------------------------------------------------------------------------------------------
  // secure

  static void secure(Args a) throws Exception {
    if (a.positional.size() != 2) throw new Usage("secure IN OUT [options]");
    byte[] content = Files.readAllBytes(Paths.get(a.positional.get(0)));
    String[] suite = suite(a.one("--suite", "1"));
    List<String[]> sign = a.all("--sign", 2);
    List<String[]> encrypt = a.all("--encrypt", 1);
    boolean compress = a.flag("--compress");
    boolean der = a.flag("--der"), ski = a.flag("--ski"), certs = a.flag("--certs"), direct = a.flag("--direct"), typed = a.flag("--typed");
    if (sign.isEmpty() && encrypt.isEmpty() && !compress) throw new Usage("secure needs --sign, --compress or --encrypt");

    SignerInfoGenerator signer = null;
    X509Certificate signerCert = null;
    if (!sign.isEmpty()) {
      signerCert = cert(sign.get(0)[0]);
      PrivateKey key = key(sign.get(0)[1]);
      JcaSignerInfoGeneratorBuilder b = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider("BC").build()).setDirectSignature(direct);
      var contentSigner = new JcaContentSignerBuilder(suite[1] + "withRSA").setProvider("BC").build(key);
      signer = ski ? b.build(contentSigner, subjectKeyId(signerCert)) : b.build(contentSigner, signerCert);
    }
    List<X509Certificate> recipients = new ArrayList<>();
    for (String[] e : encrypt) recipients.add(cert(e[0]));
    ASN1ObjectIdentifier cipher = suite[0].equals("3des") ? CMSAlgorithm.DES_EDE3_CBC : CMSAlgorithm.AES256_CBC;

    // Inner content types: id-data unless --typed, which names the layer inside (RFC 5652 §5.2).
    ASN1ObjectIdentifier signedType = CMSObjectIdentifiers.data;
    ASN1ObjectIdentifier compressedType = typed && signer != null ? CMSObjectIdentifiers.signedData : CMSObjectIdentifiers.data;
    ASN1ObjectIdentifier envelopedType = !typed ? CMSObjectIdentifiers.data : compress ? CMSObjectIdentifiers.compressedData : signer != null ? CMSObjectIdentifiers.signedData : CMSObjectIdentifiers.data;

    Path out = Paths.get(a.positional.get(1));
    if (der) {
      // Each layer built whole and DER-encoded: definite lengths, primitive OCTET STRINGs.
      byte[] data = content;
      if (signer != null) {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(signer);
        if (certs) g.addCertificates(new JcaCertStore(List.of(signerCert)));
        data = g.generate(new CMSProcessableByteArray(signedType, data), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
      }
      if (compress) {
        data = new CMSCompressedDataGenerator().generate(new CMSProcessableByteArray(compressedType, data), new ZlibCompressor()).toASN1Structure().getEncoded(ASN1Encoding.DER);
      }
      if (!recipients.isEmpty()) {
        CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
        for (X509Certificate r : recipients) g.addRecipientInfoGenerator(recipient(r, ski));
        data = g.generate(new CMSProcessableByteArray(envelopedType, data), encryptor(cipher)).toASN1Structure().getEncoded(ASN1Encoding.DER);
      }
      Files.write(out, data);
    } else {
      // Streams nested the other way round: what is written into the signer goes to the compressor, what
      // that writes goes to the encryptor, and the encryptor writes the file.
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out))) {
        Deque<OutputStream> layers = new ArrayDeque<>();
        OutputStream target = file;
        if (!recipients.isEmpty()) {
          CMSEnvelopedDataStreamGenerator g = new CMSEnvelopedDataStreamGenerator();
          for (X509Certificate r : recipients) g.addRecipientInfoGenerator(recipient(r, ski));
          target = g.open(envelopedType, target, encryptor(cipher));
          layers.push(target);
        }
        if (compress) {
          target = new CMSCompressedDataStreamGenerator().open(compressedType, target, new ZlibCompressor());
          layers.push(target);
        }
        if (signer != null) {
          CMSSignedDataStreamGenerator g = new CMSSignedDataStreamGenerator();
          g.addSignerInfoGenerator(signer);
          if (certs) g.addCertificates(new JcaCertStore(List.of(signerCert)));
          target = g.open(signedType, target, true);
          layers.push(target);
        }
        // Odd-sized writes so the BER pieces do not line up with anything.
        for (int i = 0; i < content.length; i += 7777) target.write(content, i, Math.min(7777, content.length - i));
        // Innermost first: each close writes that layer's trailer into the layer around it.
        while (!layers.isEmpty()) layers.pop().close();
      }
    }
    System.out.println("secured " + content.length + " octets into " + Files.size(out) + " octets:"
        + (signer != null ? " signed(" + suite[1] + ")" : "") + (compress ? " compressed(zlib)" : "")
        + (!recipients.isEmpty() ? " enveloped(" + suite[0] + ", " + recipients.size() + " recipient(s))" : ""));
  }

  static OutputEncryptor encryptor(ASN1ObjectIdentifier cipher) throws CMSException {
    return new JceCMSContentEncryptorBuilder(cipher).setProvider("BC").build();
  }

  static RecipientInfoGenerator recipient(X509Certificate cert, boolean ski) throws Exception {
    // RSA key transport with PKCS#1 v1.5, the default for an RSA key (RFC 5024 §6.2 uses rsaEncryption).
    return (ski ? new JceKeyTransRecipientInfoGenerator(subjectKeyId(cert), cert.getPublicKey()) : new JceKeyTransRecipientInfoGenerator(cert)).setProvider("BC");
  }

  // ------------------------------------------------------------------------------------------------------
  // unwrap

  static void unwrap(Args a) throws Exception {
    if (a.positional.size() != 2) throw new Usage("unwrap IN OUT [--decrypt CERT KEY] [--verify CERT] [--expect LAYERS]");
    byte[] data = Files.readAllBytes(Paths.get(a.positional.get(0)));
    List<String[]> decrypt = a.all("--decrypt", 2);
    String verify = a.one("--verify", null);
    String expect = a.one("--expect", null);
    List<String> expected = expect == null ? null : Arrays.asList(expect.split(","));
    for (int n = 0; expected == null || n < expected.size(); n++) {
      String kind = typeOf(data);
      if (expected == null && kind == null) break;
      if (expected != null && !expected.get(n).equals(kind)) throw new Rejected("layer " + (n + 1) + " should be " + expected.get(n) + " but is " + (kind == null ? "not CMS" : kind));
      switch (kind) {
        case "enveloped": data = decryptLayer(data, decrypt); break;
        case "compressed": data = decompressLayer(data); break;
        case "signed": data = verifyLayer(data, verify); break;
        default: throw new IllegalStateException(kind);
      }
    }
    Files.write(Paths.get(a.positional.get(1)), data);
    System.out.println("content " + data.length + " octets");
  }

  /** enveloped, compressed or signed if the data is a ContentInfo of that type, else null. */
  static String typeOf(byte[] data) {
    try (ASN1InputStream in = new ASN1InputStream(data)) {
      ContentInfo ci = ContentInfo.getInstance(in.readObject());
      if (in.available() > 0 && in.readObject() != null) return null;
      ASN1ObjectIdentifier t = ci.getContentType();
      if (t.equals(CMSObjectIdentifiers.envelopedData)) return "enveloped";
      if (t.equals(CMSObjectIdentifiers.compressedData)) return "compressed";
      if (t.equals(CMSObjectIdentifiers.signedData)) return "signed";
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  static byte[] decryptLayer(byte[] data, List<String[]> decrypt) throws Exception {
    if (decrypt.isEmpty()) throw new Usage("the data is encrypted: give --decrypt CERT KEY");
    CMSEnvelopedData ed;
    try {
      ed = new CMSEnvelopedData(data);
    } catch (CMSException e) {
      throw new Rejected("enveloped: not a valid EnvelopedData", e);
    }
    X509Certificate cert = cert(decrypt.get(0)[0]);
    // Finding our RecipientInfo by issuer and serial (or key identifier) checks how the sender named us.
    RecipientInformation ri = ed.getRecipientInfos().get(new JceKeyTransRecipientId(cert));
    if (ri == null) {
      List<String> ids = new ArrayList<>();
      for (RecipientInformation r : ed.getRecipientInfos().getRecipients()) ids.add(describe(r.getRID()));
      throw new Rejected("enveloped: no recipient matches " + cert.getSubjectX500Principal() + " (recipients: " + String.join("; ", ids) + ")");
    }
    byte[] plain;
    try {
      plain = ri.getContent(new JceKeyTransEnvelopedRecipient(key(decrypt.get(0)[1])).setProvider("BC"));
    } catch (CMSException e) {
      throw new Rejected("enveloped: decryption failed", e);
    }
    EnvelopedData env = EnvelopedData.getInstance(ed.toASN1Structure().getContent());
    System.out.println("enveloped cipher=" + ed.getEncryptionAlgOID() + " keyTransport=" + ri.getKeyEncryptionAlgOID() + " recipients=" + ed.getRecipientInfos().size()
        + " version=" + env.getVersion() + " eContentType=" + env.getEncryptedContentInfo().getContentType());
    return plain;
  }

  static byte[] decompressLayer(byte[] data) throws Exception {
    CMSCompressedData cd;
    try {
      cd = new CMSCompressedData(data);
    } catch (CMSException e) {
      throw new Rejected("compressed: not a valid CompressedData", e);
    }
    CompressedData c = CompressedData.getInstance(cd.toASN1Structure().getContent());
    String alg = c.getCompressionAlgorithmIdentifier().getAlgorithm().getId();
    if (!alg.equals(CMSCompressedDataGenerator.ZLIB)) throw new Rejected("compressed: algorithm " + alg + " is not id-alg-zlibCompress");
    byte[] plain;
    try {
      plain = cd.getContent(new ZlibExpanderProvider());
    } catch (CMSException e) {
      throw new Rejected("compressed: decompression failed", e);
    }
    System.out.println("compressed algorithm=" + alg + " version=" + c.getVersion() + " eContentType=" + c.getEncapContentInfo().getContentType());
    return plain;
  }

  static byte[] verifyLayer(byte[] data, String verify) throws Exception {
    if (verify == null) throw new Usage("the data is signed: give --verify CERT");
    CMSSignedData sd;
    try {
      sd = new CMSSignedData(data);
    } catch (CMSException e) {
      throw new Rejected("signed: not a valid SignedData", e);
    }
    if (sd.getSignedContent() == null) throw new Rejected("signed: the content is not attached (RFC 5024 §6.2 attaches it)");
    byte[] content = (byte[]) sd.getSignedContent().getContent();
    X509Certificate cert = cert(verify);
    X509CertificateHolder holder = new X509CertificateHolder(cert.getEncoded());
    Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
    if (signers.isEmpty()) throw new Rejected("signed: no SignerInfo");
    for (SignerInformation si : signers) {
      // The SignerIdentifier must name the certificate we verify with, as a product looking it up would.
      if (!si.getSID().match(holder)) throw new Rejected("signed: the signer identifier " + describe(si.getSID()) + " does not name " + cert.getSubjectX500Principal());
      boolean ok;
      try {
        ok = si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(cert));
      } catch (CMSException e) {
        throw new Rejected("signed: the signature does not verify with " + cert.getSubjectX500Principal(), e);
      }
      if (!ok) throw new Rejected("signed: the signature does not verify with " + cert.getSubjectX500Principal());
      System.out.println("signed digest=" + si.getDigestAlgOID() + " signatureAlg=" + si.getEncryptionAlgOID() + " signedAttributes=" + (si.getSignedAttributes() != null)
          + " eContentType=" + sd.getSignedContentTypeOID() + " signer=\"" + cert.getSubjectX500Principal().getName() + "\" verified");
    }
    return content;
  }

  static String describe(RecipientId rid) {
    if (rid instanceof KeyTransRecipientId) {
      KeyTransRecipientId k = (KeyTransRecipientId) rid;
      return k.getIssuer() != null ? "issuer " + k.getIssuer() + " serial " + k.getSerialNumber().toString(16) : "keyId " + hex(k.getSubjectKeyIdentifier());
    }
    return rid.toString();
  }

  static String describe(SignerId sid) {
    return sid.getIssuer() != null ? "issuer " + sid.getIssuer() + " serial " + sid.getSerialNumber().toString(16) : "keyId " + hex(sid.getSubjectKeyIdentifier());
  }

  // ------------------------------------------------------------------------------------------------------
  // EERP / NERP signatures

  /** DSN DATE TIME DEST ORIG [CREA] HASH, each field space-padded to its full RFC 5024 width. */
  static byte[] receiptContent(Args a) throws Exception {
    StringBuilder s = new StringBuilder();
    s.append(field(a, "--dsn", 26)).append(field(a, "--date", 8)).append(field(a, "--time", 10)).append(field(a, "--dest", 25)).append(field(a, "--orig", 25));
    if (a.has("--creator")) s.append(field(a, "--creator", 25));
    byte[] fields = s.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] hash = unhex(a.one("--hash", null));
    byte[] all = Arrays.copyOf(fields, fields.length + hash.length);
    System.arraycopy(hash, 0, all, fields.length, hash.length);
    return all;
  }

  static String field(Args a, String name, int width) throws Usage {
    String v = a.one(name, null);
    if (v == null) throw new Usage("missing " + name);
    if (v.length() > width) throw new Usage(name + " is longer than " + width);
    return String.format("%-" + width + "s", v);
  }

  static void signEerp(Args a) throws Exception {
    if (a.positional.size() != 1) throw new Usage("sign-eerp OUT --sign CERT KEY --suite N ...fields");
    String[] suite = suite(a.one("--suite", "1"));
    String[] sign = a.all("--sign", 2).get(0);
    X509Certificate cert = cert(sign[0]);
    CMSSignedDataGenerator g = new CMSSignedDataGenerator();
    g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider("BC").build())
        .build(new JcaContentSignerBuilder(suite[1] + "withRSA").setProvider("BC").build(key(sign[1])), cert));
    byte[] der = g.generate(new CMSProcessableByteArray(receiptContent(a)), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
    Files.write(Paths.get(a.positional.get(0)), der);
    System.out.println("receipt signature " + der.length + " octets");
  }

  static void verifyEerp(Args a) throws Exception {
    if (a.positional.size() != 1) throw new Usage("verify-eerp SIG --cert CERT ...fields");
    byte[] sig = Files.readAllBytes(Paths.get(a.positional.get(0)));
    String cert = a.one("--cert", null);
    if (cert == null) throw new Usage("missing --cert");
    byte[] expected = receiptContent(a);
    // Reuses the file-service verification: signature, signer identifier, attached content.
    byte[] signed = verifyLayer(sig, cert);
    if (!Arrays.equals(signed, expected)) {
      throw new Rejected("the signed content does not match the receipt's fields and hash:\n  signed   " + hex(signed) + "\n  expected " + hex(expected));
    }
    if (a.has("--suite")) {
      String want = DIGEST_OID.get(suite(a.one("--suite", null))[1]);
      String got = new CMSSignedData(sig).getSignerInfos().getSigners().iterator().next().getDigestAlgOID();
      if (!want.equals(got)) throw new Rejected("the receipt is signed with digest " + got + ", the suite needs " + want);
    }
    System.out.println((a.has("--creator") ? "NERP" : "EERP") + " signature valid over " + expected.length + " octets");
  }

  // ------------------------------------------------------------------------------------------------------
  // Helpers

  static String[] suite(String n) throws Usage {
    int i;
    try {
      i = Integer.parseInt(n);
    } catch (NumberFormatException e) {
      throw new Usage("suite " + n + " is not a number");
    }
    if (i < 1 || i > 6) throw new Usage("suite " + n + " is not one of 01-06");
    return SUITES[i];
  }

  static X509Certificate cert(String path) throws Exception {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(Paths.get(path)))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder)) throw new Usage(path + " holds no PEM certificate");
      return new JcaX509CertificateConverter().setProvider("BC").getCertificate((X509CertificateHolder) o);
    }
  }

  static PrivateKey key(String path) throws Exception {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(Paths.get(path)))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter().setProvider("BC");
      if (o instanceof PrivateKeyInfo) return c.getPrivateKey((PrivateKeyInfo) o);
      if (o instanceof PEMKeyPair) return c.getKeyPair((PEMKeyPair) o).getPrivate();
      throw new Usage(path + " holds no unencrypted PEM private key");
    }
  }

  static byte[] subjectKeyId(X509Certificate cert) throws Exception {
    byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext == null) throw new Usage(cert.getSubjectX500Principal() + " has no subject key identifier");
    return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
  }

  static String hex(byte[] b) {
    return b == null ? "(none)" : String.format("%0" + (b.length * 2) + "x", new BigInteger(1, b)).substring(0, b.length * 2);
  }

  static byte[] unhex(String s) throws Usage {
    if (s == null || s.length() % 2 != 0 || !s.matches("[0-9a-fA-F]*")) throw new Usage("--hash needs hex digits");
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  /** Positional arguments and --options, each option with a fixed number of values. */
  static class Args {
    final List<String> positional = new ArrayList<>();
    final Map<String, List<String[]>> options = new HashMap<>();
    static final Map<String, Integer> ARITY = Map.ofEntries(Map.entry("--sign", 2), Map.entry("--decrypt", 2), Map.entry("--encrypt", 1), Map.entry("--verify", 1), Map.entry("--cert", 1),
        Map.entry("--suite", 1), Map.entry("--expect", 1), Map.entry("--dsn", 1), Map.entry("--date", 1), Map.entry("--time", 1), Map.entry("--dest", 1), Map.entry("--orig", 1),
        Map.entry("--creator", 1), Map.entry("--hash", 1), Map.entry("--compress", 0), Map.entry("--der", 0), Map.entry("--ski", 0), Map.entry("--certs", 0),
        Map.entry("--direct", 0), Map.entry("--typed", 0));

    Args(String[] argv) throws Usage {
      for (int i = 0; i < argv.length; i++) {
        String s = argv[i];
        if (!s.startsWith("--")) {
          positional.add(s);
          continue;
        }
        Integer n = ARITY.get(s);
        if (n == null) throw new Usage("unknown option " + s);
        if (i + n > argv.length - 1) throw new Usage(s + " needs " + n + " value(s)");
        options.computeIfAbsent(s, k -> new ArrayList<>()).add(Arrays.copyOfRange(argv, i + 1, i + 1 + n));
        i += n;
      }
    }

    boolean has(String o) { return options.containsKey(o); }
    boolean flag(String o) { return has(o); }
    List<String[]> all(String o, int n) { return options.getOrDefault(o, List.of()); }
    String one(String o, String dflt) { return has(o) ? options.get(o).get(options.get(o).size() - 1)[0] : dflt; }
  }
}
