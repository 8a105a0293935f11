package postgresqlk8s.patroni;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

/**
 * Writes a document of maps, lists, strings, integers and booleans as block YAML with SnakeYAML, every
 * string value double-quoted. Patroni reads YAML 1.1 (PyYAML), where a plain scalar may turn into
 * something else ({@code on} a boolean, {@code 0x1F} a number, {@code =} a tag its safe loader refuses);
 * a double-quoted one is always the string, and SnakeYAML escapes what a quoted string cannot hold raw
 * (control characters, line separators). Keys are the charm's own words and stay plain. Long values stay
 * on one line, and a value that appears twice is written twice (no anchors).
 *
 * <p>Only the flows that apply Patroni's configuration load this class and SnakeYAML, and they go
 * through the representer and emitter without {@code org.yaml.snakeyaml.Yaml}, whose constructor also
 * builds the loading side. Measured against the project's JSON writer in a fresh hook JVM (the numbers
 * are in {@link PatroniYaml}).
 */
final class BlockYaml {

    private BlockYaml() {}

    static String write(Map<String, Object> document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        options.setSplitLines(false);
        options.setDereferenceAliases(true);
        StringWriter out = new StringWriter();
        Serializer serializer = new Serializer(new Emitter(out, options), new Resolver(), options, null);
        try {
            serializer.open();
            serializer.serialize(new QuotedValues(options).represent(document));
            serializer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    /** SnakeYAML's representer with string values, in mappings and in sequences, double-quoted. */
    private static final class QuotedValues extends Representer {

        QuotedValues(DumperOptions options) {
            super(options);
        }

        @Override
        protected Node representMapping(Tag tag, Map<?, ?> mapping, DumperOptions.FlowStyle flowStyle) {
            MappingNode node = (MappingNode) super.representMapping(tag, mapping, flowStyle);
            List<NodeTuple> entries = node.getValue();
            for (int i = 0; i < entries.size(); i++) {
                NodeTuple entry = entries.get(i);
                entries.set(i, new NodeTuple(entry.getKeyNode(), quoted(entry.getValueNode())));
            }
            return node;
        }

        @Override
        protected Node representSequence(Tag tag, Iterable<?> sequence, DumperOptions.FlowStyle flowStyle) {
            SequenceNode node = (SequenceNode) super.representSequence(tag, sequence, flowStyle);
            List<Node> items = node.getValue();
            for (int i = 0; i < items.size(); i++) {
                items.set(i, quoted(items.get(i)));
            }
            return node;
        }

        private static Node quoted(Node node) {
            if (node instanceof ScalarNode && Tag.STR.equals(node.getTag())) {
                return new ScalarNode(Tag.STR, ((ScalarNode) node).getValue(), null, null, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
            }
            return node;
        }
    }
}
