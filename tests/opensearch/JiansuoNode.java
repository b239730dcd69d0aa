import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A real OpenSearch node from the Maven Central jars, with the modules jiansuo needs
 * loaded from the class path (no distribution layout, no plugin installer).
 *
 * Arguments are node settings, {@code key=value}. The node runs until standard input
 * closes, then shuts down cleanly: the Python launcher holds the pipe, so a node never
 * outlives the test run that started it.
 */
public class JiansuoNode extends Node {
    JiansuoNode(Environment environment, List<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            builder.build(), Map.of(), null, () -> "node");
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);  // config/log4j2.properties, written by the launcher
        Node node = new JiansuoNode(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));
        node.start();
        System.out.println("jiansuo-node: started");
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the launcher to close the pipe
        }
        node.close();
        node.awaitClose(30, TimeUnit.SECONDS);
        System.exit(0);
    }
}
