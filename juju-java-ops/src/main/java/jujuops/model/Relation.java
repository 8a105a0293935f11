package jujuops.model;

import java.util.List;

import jujuops.hooktools.HookTools;

/** One relation of this unit, with its four kinds of databag. */
public final class Relation {

    private final Model model;
    private final HookTools tools;
    private final String endpoint;
    private final String id;
    private final boolean peer;
    private List<String> units;
    private String remoteApp;
    private Databag localApp;
    private Databag localUnit;
    private Databag remoteAppData;

    Relation(Model model, HookTools tools, String endpoint, String id, boolean peer) {
        this.peer = peer;
        this.model = model;
        this.tools = tools;
        this.endpoint = endpoint;
        this.id = id;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Juju's relation id, e.g. {@code s3-parameters:3}. */
    public String id() {
        return id;
    }

    /** The number after the colon, e.g. 3 for {@code s3-parameters:3}. */
    public int number() {
        return Integer.parseInt(id.substring(id.lastIndexOf(':') + 1));
    }

    public List<String> remoteUnits() {
        if (units == null) {
            units = List.copyOf(tools.relationList(id));
        }
        return units;
    }

    public String remoteApp() {
        if (remoteApp == null) {
            remoteApp = tools.relationRemoteApp(id);
        }
        return remoteApp;
    }

    /** True for the peer relation, whose application data every unit may read. */
    public boolean isPeer() {
        return peer;
    }

    /** This application's databag: written by the leader only; read by the leader only, except on peers. */
    public Databag localAppData() {
        if (localApp == null) {
            localApp = new Databag(tools, model, id, model.appName(), true, peer ? Databag.Side.PEER : Databag.Side.LOCAL);
        }
        return localApp;
    }

    public Databag localUnitData() {
        if (localUnit == null) {
            localUnit = new Databag(tools, model, id, model.unitName(), false, Databag.Side.LOCAL);
        }
        return localUnit;
    }

    /** The remote application's databag: read-only. */
    public Databag remoteAppData() {
        if (remoteAppData == null) {
            remoteAppData = new Databag(tools, model, id, remoteApp(), true, Databag.Side.REMOTE);
        }
        return remoteAppData;
    }

    /** A remote unit's databag: read-only. */
    public Databag remoteUnitData(String unit) {
        return new Databag(tools, model, id, unit, false, Databag.Side.REMOTE);
    }

    @Override
    public String toString() {
        return id;
    }
}
