package postgresqlk8s.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request for this unit's key and names, made and read with BouncyCastle
 * (the JDK has no CSR API). Only the certificates flows load this class, so BouncyCastle (signed jars,
 * outside the class-data sharing archive) costs no other hook anything.
 */
public final class SigningRequest {

    static final String PEM_LABEL = "CERTIFICATE REQUEST";

    private final PKCS10CertificationRequest request;
    private final String pem;

    private SigningRequest(PKCS10CertificationRequest request, String pem) {
        this.request = request;
        this.pem = pem;
    }

    /** A request for these names, signed with the key (SHA-256 with RSA). */
    public static SigningRequest create(UnitKey key, SubjectNames names) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names.commonName()).build();
        List<GeneralName> sans = new ArrayList<>();
        for (String dns : names.dnsNames()) {
            sans.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : names.ipAddresses()) {
            sans.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(new GeneralName[0])));
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(subject, key.publicKey())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.privateKey()));
            return new SigningRequest(request, Pem.encode(PEM_LABEL, request.getEncoded()));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not make a certificate signing request: " + e.getClass().getSimpleName());
        }
    }

    /**
     * A request from its PEM text, e.g. the one this unit wrote to the relation earlier.
     *
     * @throws IllegalArgumentException when it is not one (the message does not quote the text)
     */
    public static SigningRequest parse(String pem) {
        try {
            return new SigningRequest(new PKCS10CertificationRequest(Pem.decode(PEM_LABEL, pem)), pem);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PEM certificate signing request");
        }
    }

    public String pem() {
        return pem;
    }

    /** True when the request is for this key's public half. */
    public boolean isFor(UnitKey key) {
        try {
            return java.util.Arrays.equals(request.getSubjectPublicKeyInfo().getEncoded(), key.publicKey().getEncoded());
        } catch (IOException e) {
            return false;
        }
    }

    /** The names the request asks for. */
    public SubjectNames names() {
        String cn = IETFUtils.valueToString(request.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue());
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            for (GeneralName name : sans == null ? new GeneralName[0] : sans.getNames()) {
                if (name.getTagNo() == GeneralName.dNSName) {
                    dns.add(((ASN1String) name.getName()).getString());
                } else if (name.getTagNo() == GeneralName.iPAddress) {
                    ips.add(address(ASN1OctetString.getInstance(name.getName()).getOctets()));
                }
            }
        }
        return new SubjectNames(cn, dns, ips);
    }

    /** True when the request asks for these names and no others. */
    boolean isFor(SubjectNames wanted) {
        try {
            return names().equals(wanted);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String address(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        return "SigningRequest[" + names() + "]";
    }
}
