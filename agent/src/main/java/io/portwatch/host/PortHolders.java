package io.portwatch.host;

import io.portwatch.budget.Destination;
import io.portwatch.budget.PortHolder;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The other processes found holding open ports toward the destinations one read looked at
 * ({@link HolderScan}), most ports first. A destination not looked at has none. Immutable.
 */
final class PortHolders {

    static final PortHolders NONE = new PortHolders(Collections.emptyMap());

    private final Map<Destination, List<PortHolder>> byDestination;

    PortHolders(Map<Destination, List<PortHolder>> byDestination) {
        this.byDestination = byDestination;
    }

    /** The processes holding open ports toward {@code d}, most first; empty when none was found or it was not looked at. */
    List<PortHolder> of(Destination d) {
        List<PortHolder> l = byDestination.get(d);
        return l == null ? Collections.emptyList() : l;
    }
}
