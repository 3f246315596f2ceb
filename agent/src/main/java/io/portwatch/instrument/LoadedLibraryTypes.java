package io.portwatch.instrument;

import io.portwatch.instrument.netty.NettyTypes;
import net.bytebuddy.agent.builder.AgentBuilder;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Which loaded classes the agent builder retransforms as it installs: those that implement one of
 * {@link LibraryTrigger#SUPERTYPES}, found with {@code Class.isAssignableFrom}, and the Netty types
 * instrumented, found by name ({@link NettyTypes#isInstrumented}), rather than by matching every
 * loaded class against the instrumentations (thousands of classes in a running application, each
 * described and matched by Byte Buddy).
 *
 * <p>The loaded classes are listed again after each batch, until a listing finds none not seen
 * before. The builder's transformer is already registered when the first listing is taken, so a
 * class that loads from then on is transformed as it loads; one that was half-way through loading
 * when the transformer came (loaded, yet not listed) is found by a later listing.
 */
final class LoadedLibraryTypes implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {

    private final boolean netty;

    LoadedLibraryTypes(boolean netty) {
        this.netty = netty;
    }

    @Override
    public Iterable<Iterable<Class<?>>> resolve(Instrumentation inst) {
        List<Class<?>> supertypes = new ArrayList<>();
        for (String name : LibraryTrigger.SUPERTYPES) {
            try {
                supertypes.add(Class.forName(name, false, ClassLoader.getPlatformClassLoader()));
            } catch (ClassNotFoundException | LinkageError absent) {
                // not in this runtime (a jlink image without java.sql): nothing implements it
            }
        }
        return () -> new Listings(inst, supertypes, netty);
    }

    private static final class Listings implements Iterator<Iterable<Class<?>>> {
        private final Instrumentation inst;
        private final List<Class<?>> supertypes;
        private final boolean netty;
        private final Set<Class<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private List<Class<?>> next;

        Listings(Instrumentation inst, List<Class<?>> supertypes, boolean netty) {
            this.inst = inst;
            this.supertypes = supertypes;
            this.netty = netty;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = new ArrayList<>();
                for (Class<?> type : inst.getAllLoadedClasses()) {
                    if (type != null && (implementsOne(type) || netty && NettyTypes.isInstrumented(type.getName()))
                            && seen.add(type)) {
                        next.add(type);
                    }
                }
            }
            return !next.isEmpty();
        }

        @Override
        public Iterable<Class<?>> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            List<Class<?>> batch = next;
            next = null;
            return batch;
        }

        private boolean implementsOne(Class<?> type) {
            if (type.isInterface()) {
                return false;
            }
            for (Class<?> supertype : supertypes) {
                if (supertype != type && supertype.isAssignableFrom(type)) {
                    return true;
                }
            }
            return false;
        }
    }
}
