// A Neo4j 5 Community server for trying the project and for its tests, run as a single
// source file: java -cp 'LIB/*' LocalNeo4j.java HOME CONF
//
// HOME holds the databases; CONF is a neo4j.conf written by graph/local_neo4j.py (Bolt
// on 127.0.0.1 only, on a port it chose). The first line of standard input is the
// password of the user "neo4j", set at every start, so it never appears on a command
// line. The server stops when standard input closes (its parent is gone, however it
// died) or on SIGTERM. One line on standard output, "READY", says it accepts Bolt.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public class LocalNeo4j {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalNeo4j HOME CONF (password on stdin)");
            System.exit(2);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = in.readLine();
        if (password == null || password.length() < 8) {
            System.err.println("LocalNeo4j: no password of 8 or more characters on stdin");
            System.exit(2);
        }
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
                .loadPropertiesFromFile(Path.of(args[1]))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
        try {
            setPassword(dbms, password);
            password = null;
            dbms.database("neo4j").executeTransactionally("RETURN 1");
        } catch (RuntimeException e) {
            System.err.println("LocalNeo4j: " + e.getMessage());
            System.exit(1); // runs the shutdown hook: Neo4j's threads would keep the JVM up
        }
        System.out.println("READY");
        System.out.flush();
        System.setOut(System.err); // nobody reads standard output after this line
        while (in.read() != -1) {
            // anything after the password is ignored; end of input means stop
        }
        System.exit(0);
    }

    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // a data dir started before keeps its password: nothing to change
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
