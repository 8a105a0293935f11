package jujuops.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One relation as a test sets it up: its endpoint and number, the remote application, and the four
 * kinds of databag. Immutable; {@code with*} methods return changed copies.
 */
public record RelationState(
        String endpoint,
        int number,
        String remoteApp,
        Map<String, String> localAppData,
        Map<String, String> localUnitData,
        Map<String, String> remoteAppData,
        Map<String, Map<String, String>> remoteUnitsData) {

    public RelationState {
        localAppData = Map.copyOf(localAppData);
        localUnitData = Map.copyOf(localUnitData);
        remoteAppData = Map.copyOf(remoteAppData);
        Map<String, Map<String, String>> units = new LinkedHashMap<>();
        remoteUnitsData.forEach((k, v) -> units.put(k, Map.copyOf(v)));
        remoteUnitsData = java.util.Collections.unmodifiableMap(units);
    }

    /** A relation with one remote unit ({@code <remoteApp>/0}) and empty databags. */
    public static RelationState of(String endpoint, int number, String remoteApp) {
        return new RelationState(endpoint, number, remoteApp, Map.of(), Map.of(), Map.of(),
                Map.of(remoteApp + "/0", Map.of()));
    }

    /** Juju's id string, e.g. {@code s3-parameters:3}. */
    public String id() {
        return endpoint + ":" + number;
    }

    public RelationState withRemoteAppData(Map<String, String> data) {
        return new RelationState(endpoint, number, remoteApp, localAppData, localUnitData, data, remoteUnitsData);
    }

    public RelationState withLocalAppData(Map<String, String> data) {
        return new RelationState(endpoint, number, remoteApp, data, localUnitData, remoteAppData, remoteUnitsData);
    }

    public RelationState withLocalUnitData(Map<String, String> data) {
        return new RelationState(endpoint, number, remoteApp, localAppData, data, remoteAppData, remoteUnitsData);
    }

    public RelationState withRemoteUnitsData(Map<String, Map<String, String>> data) {
        return new RelationState(endpoint, number, remoteApp, localAppData, localUnitData, remoteAppData, data);
    }
}
