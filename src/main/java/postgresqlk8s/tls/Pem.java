package postgresqlk8s.tls;

import java.util.Base64;

/** One PEM block: a label and DER bytes. Messages name the label, never the text. */
final class Pem {

    private Pem() {}

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** @throws IllegalArgumentException when the text is not one PEM block with this label */
    static byte[] decode(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        String text = pem == null ? "" : pem.strip();
        if (!text.startsWith(begin) || !text.endsWith(end) || text.length() < begin.length() + end.length()) {
            throw new IllegalArgumentException("not a PEM " + label);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM " + label + " (bad base64)");
        }
    }
}
