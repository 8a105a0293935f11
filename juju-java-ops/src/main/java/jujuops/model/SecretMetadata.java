package jujuops.model;

import java.time.Instant;
import java.util.Optional;

/**
 * What an owner may say about a secret besides its content: a label (this charm's name for it), a
 * description, when it expires and how often it should be rotated. Empty fields are left as they are.
 */
public record SecretMetadata(
        Optional<String> label,
        Optional<String> description,
        Optional<Instant> expire,
        Optional<SecretInfo.Rotation> rotate) {

    public SecretMetadata {
        label.ifPresent(l -> requireText("label", l));
        description.ifPresent(d -> requireText("description", d));
    }

    public static SecretMetadata none() {
        return new SecretMetadata(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static SecretMetadata labelled(String label) {
        return none().withLabel(label);
    }

    public SecretMetadata withLabel(String newLabel) {
        return new SecretMetadata(Optional.of(newLabel), description, expire, rotate);
    }

    public SecretMetadata withDescription(String newDescription) {
        return new SecretMetadata(label, Optional.of(newDescription), expire, rotate);
    }

    public SecretMetadata withExpire(Instant when) {
        return new SecretMetadata(label, description, Optional.of(when), rotate);
    }

    public SecretMetadata withRotate(SecretInfo.Rotation policy) {
        return new SecretMetadata(label, description, expire, Optional.of(policy));
    }

    public boolean isEmpty() {
        return label.isEmpty() && description.isEmpty() && expire.isEmpty() && rotate.isEmpty();
    }

    private static void requireText(String what, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("a secret " + what + " must not be blank");
        }
    }
}
