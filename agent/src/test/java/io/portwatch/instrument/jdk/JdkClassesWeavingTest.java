package io.portwatch.instrument.jdk;

import io.portwatch.bootstrap.JdkHooks;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real class files of the JDK running the test, woven: which methods get which hooks, that
 * every hook called exists in {@link JdkHooks} with that descriptor, that the catch-all is the
 * last handler of its method, and that the rest of the class is left alone. (The woven JDK
 * classes are verified by the JVM in {@code OddSocketsIT}; the fixtures of
 * {@link WovenMethodsTest} are verified here, as they load.)
 */
class JdkClassesWeavingTest {

    /** Per method (name and descriptor), the hooks it calls, each once, in order. */
    private static Map<String, List<String>> hookCalls(byte[] classfile) {
        Map<String, List<String>> calls = new TreeMap<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String method = name + descriptor;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String hook, String hookDescriptor, boolean itf) {
                        List<String> hooks = calls.computeIfAbsent(method, m -> new ArrayList<>());
                        if (owner.equals(HookedMethod.HOOKS) && !hooks.contains(hook + hookDescriptor)) {
                            hooks.add(hook + hookDescriptor);
                        }
                    }
                };
            }
        }, ClassReader.EXPAND_FRAMES);
        calls.values().removeIf(List::isEmpty);
        return calls;
    }

    private static byte[] woven(String type) {
        byte[] original = WovenFixtures.bytesOf(type);
        byte[] woven = new JdkTransformer(e -> { throw new AssertionError(e); })
                .transform(null, type, null, null, original);
        assertNotNull(woven, type + " woven");
        return woven;
    }

    @Test
    void socketMethodsCallTheirHooks() {
        Map<String, List<String>> calls = hookCalls(woven("java/net/Socket"));
        assertEquals(List.of("connected" + SocketWeaver.CONNECTED, "connectFailed" + SocketWeaver.CONNECT_FAILED),
                calls.get("connect(Ljava/net/SocketAddress;I)V"));
        assertNull(calls.get("connect(Ljava/net/SocketAddress;)V"), "it calls the one above");
        assertEquals(List.of("closed(Ljava/lang/Object;)V"), calls.get("close()V"), "at its returns and in the catch-all");
        assertEquals(List.of("bound(Ljava/lang/Object;)V"), calls.get("bind(Ljava/net/SocketAddress;)V"));
        assertEquals(List.of("outputShutdown(Ljava/lang/Object;)V"), calls.get("shutdownOutput()V"));
        assertEquals(List.of("soLingerSet(Ljava/lang/Object;ZI)V"), calls.get("setSoLinger(ZI)V"));
        assertEquals(List.of("optionSet" + SocketWeaver.OPTION_SET),
                calls.get("setOption(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/net/Socket;"));
        assertEquals(6, calls.size(), calls::toString);
    }

    @Test
    void everyWovenTypeOfThisJdkIsWovenAndItsHooksExist() throws Exception {
        Map<String, Integer> methodsWoven = new TreeMap<>();
        for (String type : JdkTransformer.TYPES) {
            Map<String, List<String>> calls = hookCalls(woven(type));
            methodsWoven.put(type, calls.size());
            for (List<String> hooks : calls.values()) {
                for (String hook : hooks) {
                    assertHookExists(hook);
                }
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        expected.put("java/net/Socket", 6);
        expected.put("java/net/Socket$SocketInputStream", 2); // read(), read(byte[], int, int)
        expected.put("java/net/Socket$SocketOutputStream", 2); // write(int), write(byte[], int, int)
        expected.put("java/net/ServerSocket", 1);
        expected.put("sun/nio/ch/SocketChannelImpl", 14);
        expected.put("sun/nio/ch/Net", 1);
        expected.put("sun/nio/ch/AsynchronousSocketChannelImpl", 2); // bind, shutdownOutput
        expected.put("sun/nio/ch/UnixAsynchronousSocketChannelImpl", 8);
        assertEquals(expected, methodsWoven, "the same methods in JDK 17 and 25 (javap)");
    }

    @Test
    void asynchronousChannelMethodsCallTheirHooksBeforeHandingOnTheOutcome() {
        String outcome = OutcomeCalls.OUTCOME;
        Map<String, List<String>> calls = hookCalls(woven(UnixAsyncSocketChannelWeaver.NAME));
        String implConnect = calls.keySet().stream().filter(m -> m.startsWith("implConnect(")).findFirst().orElseThrow();
        assertEquals(List.of("asyncConnectStarting" + OutcomeCalls.CONNECT_STARTING, "asyncConnectEnded" + outcome),
                calls.get(implConnect), "started before Net.connect; the refusals of a closed channel before it unhooked");
        assertEquals(List.of("asyncConnectEnded" + outcome), calls.get("finishConnect(Z)V"));
        assertEquals(List.of("asyncReadEnded" + outcome), calls.get("finishRead(Z)V"));
        assertEquals(List.of("asyncWriteEnded" + outcome), calls.get("finishWrite(Z)V"));
        assertEquals(List.of("closed(Ljava/lang/Object;)V"), calls.get("implClose()V"));
        assertEquals(List.of("accepted(Ljava/lang/Object;)V"),
                calls.get("<init>(Lsun/nio/ch/Port;Ljava/io/FileDescriptor;Ljava/net/InetSocketAddress;)V"));
        assertTrue(calls.keySet().stream().anyMatch(m -> m.startsWith("implRead(")
                && calls.get(m).equals(List.of("asyncReadEnded" + outcome))), calls::toString);
        assertTrue(calls.keySet().stream().anyMatch(m -> m.startsWith("implWrite(")
                && calls.get(m).equals(List.of("asyncWriteEnded" + outcome))), calls::toString);
        // javac's finishConnect hands the outcome to a future or a handler, directly or not: three calls.
        assertEquals(3, hookCount(woven(UnixAsyncSocketChannelWeaver.NAME), "finishConnect(Z)V", "asyncConnectEnded"));
        assertEquals(2, hookCount(woven(UnixAsyncSocketChannelWeaver.NAME), implConnect, "asyncConnectEnded"),
                "the immediate outcome's future and handler, not the closed channel's refusals");
    }

    /** How many times {@code method} calls {@code hook}. */
    private static int hookCount(byte[] classfile, String method, String hook) {
        int[] count = new int[1];
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if (!(name + descriptor).equals(method)) return null;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        if (owner.equals(HookedMethod.HOOKS) && n.equals(hook)) count[0]++;
                    }
                };
            }
        }, 0);
        return count[0];
    }

    @Test
    void theCatchAllIsTheLastHandlerAndCoversTheWholeBody() {
        byte[] woven = woven("sun/nio/ch/SocketChannelImpl");
        List<String> handlers = new ArrayList<>();
        new ClassReader(woven).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if (!(name + descriptor).equals("finishConnect()Z")) return null; // has handlers of its own in 17 and 25
                return new MethodVisitor(Opcodes.ASM9) {
                    private final List<Label> starts = new ArrayList<>();
                    /** The label at offset 0: the reader visits it before the first instruction. */
                    private Label codeStart;

                    @Override
                    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                        handlers.add(String.valueOf(type));
                        starts.add(start);
                    }

                    @Override
                    public void visitLabel(Label label) {
                        if (codeStart == null) codeStart = label;
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        handlers.add("last starts the body: " + (starts.get(starts.size() - 1) == codeStart));
                    }
                };
            }
        }, 0);
        assertTrue(handlers.size() >= 3, "the method's own handlers, then ours: " + handlers);
        assertEquals("java/lang/Throwable", handlers.get(handlers.size() - 2), handlers::toString);
        assertEquals("last starts the body: true", handlers.get(handlers.size() - 1));
    }

    @Test
    void methodsNotWovenAreCopiedAsTheyWere() {
        byte[] original = WovenFixtures.bytesOf("java/net/Socket");
        byte[] woven = woven("java/net/Socket");
        assertEquals(methods(original).keySet(), methods(woven).keySet(), "no method added or removed");
        Map<String, List<String>> calls = hookCalls(woven);
        for (Map.Entry<String, String> m : methods(original).entrySet()) {
            if (!calls.containsKey(m.getKey())) {
                assertEquals(m.getValue(), methods(woven).get(m.getKey()), m.getKey());
            }
        }
    }

    @Test
    void otherClassesAndOtherLoadersAreNotTouched() {
        JdkTransformer t = new JdkTransformer(e -> { throw new AssertionError(e); });
        byte[] socket = WovenFixtures.bytesOf("java/net/Socket");
        assertNull(t.transform(null, "java/net/SocketImpl", null, null, WovenFixtures.bytesOf("java/net/SocketImpl")));
        assertNull(t.transform(ClassLoader.getSystemClassLoader(), "java/net/Socket", null, null, socket),
                "a class of that name in another loader is not the JDK's");
        assertNull(t.transform(null, null, null, null, socket));
        assertTrue(t.woven().isEmpty());
    }

    @Test
    void aClassThatCannotBeWovenIsLeftAloneWithOneLine() {
        List<String> errors = new ArrayList<>();
        JdkTransformer t = new JdkTransformer(errors::add);
        byte[] garbage = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0};
        assertNull(t.transform(null, "java/net/Socket", null, null, garbage));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("cannot instrument java.net.Socket"), errors::toString);
    }

    /** Each method's code as a list of instructions and handlers, to compare. */
    private static Map<String, String> methods(byte[] classfile) {
        Map<String, String> methods = new TreeMap<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                StringBuilder code = new StringBuilder();
                methods.put(name + descriptor, "");
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override public void visitInsn(int opcode) { code.append(opcode).append(' '); }
                    @Override public void visitVarInsn(int opcode, int var) { code.append(opcode).append(':').append(var).append(' '); }
                    @Override public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        code.append(owner).append('.').append(n).append(d).append(' ');
                    }
                    @Override public void visitTryCatchBlock(Label s, Label e, Label h, String type) { code.append("catch ").append(type).append(' '); }
                    @Override public void visitEnd() { methods.put(name + descriptor, code.toString()); }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        return methods;
    }

    private static void assertHookExists(String hook) throws Exception {
        String name = hook.substring(0, hook.indexOf('('));
        String descriptor = hook.substring(hook.indexOf('('));
        Type[] arguments = Type.getArgumentTypes(descriptor);
        Class<?>[] types = new Class<?>[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            types[i] = classOf(arguments[i]);
        }
        Method m = JdkHooks.class.getMethod(name, types);
        assertTrue(Modifier.isStatic(m.getModifiers()), hook);
        assertEquals(Type.getReturnType(descriptor), Type.getType(m.getReturnType()), hook);
        assertArrayEquals(types, m.getParameterTypes(), hook);
    }

    private static Class<?> classOf(Type type) throws ClassNotFoundException {
        switch (type.getSort()) {
            case Type.BOOLEAN: return boolean.class;
            case Type.INT: return int.class;
            case Type.LONG: return long.class;
            default: return Class.forName(type.getClassName());
        }
    }

    /** The set of hooks the weavers call, for the record: every one exists. */
    @Test
    void everyHookOfJdkHooksIsCalledBySomeWeaver() {
        TreeSet<String> called = new TreeSet<>();
        for (String type : JdkTransformer.TYPES) {
            for (List<String> hooks : hookCalls(woven(type)).values()) {
                for (String h : hooks) called.add(h.substring(0, h.indexOf('(')));
            }
        }
        TreeSet<String> declared = new TreeSet<>();
        for (Method m : JdkHooks.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) declared.add(m.getName());
        }
        assertEquals(declared, called, "no hook left unused");
    }
}
