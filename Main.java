public class Main { public static void main(String[] a) throws Exception { try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(a[0]))) { } } }
