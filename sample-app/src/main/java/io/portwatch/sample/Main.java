package io.portwatch.sample;

/** {@code java -jar sample-app.jar [options]}: see {@link OptionsParser#usage()}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SampleApp.run(args, System.out, System.err));
    }
}
