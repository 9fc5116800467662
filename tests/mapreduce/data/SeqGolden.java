// Makes and reads SequenceFiles with Apache Hadoop's own classes (the jars in pyspark).
// Golden files for tests/mapreduce/test_sequencefile.py:
//   javac -cp "$JARS/*" SeqGolden.java && java -cp ".:$JARS/*" SeqGolden write DIR
//   java -cp ".:$JARS/*" SeqGolden read FILE...   (prints key<TAB>value per record; '== FILE' between files)
//   java -cp ".:$JARS/*" SeqGolden hash WORD...   (Text.hashCode and HashPartitioner with 7 reduces)
import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.*;
import org.apache.hadoop.io.SequenceFile.CompressionType;
import org.apache.hadoop.io.compress.*;
import org.apache.hadoop.mapreduce.lib.partition.HashPartitioner;
import org.apache.hadoop.util.ReflectionUtils;

public class SeqGolden {
  static void writeTextInt(Configuration conf, Path p, CompressionType t, CompressionCodec codec) throws Exception {
    SequenceFile.Writer w = SequenceFile.createWriter(conf, SequenceFile.Writer.file(p),
        SequenceFile.Writer.keyClass(Text.class), SequenceFile.Writer.valueClass(IntWritable.class),
        codec == null ? SequenceFile.Writer.compression(t) : SequenceFile.Writer.compression(t, codec));
    for (int i = 0; i < 300; i++) w.append(new Text("key-" + i + "-é"), new IntWritable(i * i - 5000));
    w.close();
  }

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    if (args[0].equals("write")) {
      String dir = args[1];
      FileSystem fs = FileSystem.getLocal(conf);
      DefaultCodec deflate = ReflectionUtils.newInstance(DefaultCodec.class, conf);
      GzipCodec gzip = ReflectionUtils.newInstance(GzipCodec.class, conf);
      writeTextInt(conf, new Path(dir, "text_int_none.seq"), CompressionType.NONE, null);
      writeTextInt(conf, new Path(dir, "text_int_record_deflate.seq"), CompressionType.RECORD, deflate);
      writeTextInt(conf, new Path(dir, "text_int_block_deflate.seq"), CompressionType.BLOCK, deflate);
      try {
        writeTextInt(conf, new Path(dir, "text_int_block_gzip.seq"), CompressionType.BLOCK, gzip);
      } catch (Exception e) {
        System.err.println("gzip: " + e);
      }
      SequenceFile.Writer w = SequenceFile.createWriter(conf, SequenceFile.Writer.file(new Path(dir, "long_bytes_null.seq")),
          SequenceFile.Writer.keyClass(LongWritable.class), SequenceFile.Writer.valueClass(BytesWritable.class),
          SequenceFile.Writer.compression(CompressionType.NONE));
      for (long i = 0; i < 50; i++) w.append(new LongWritable(i * 1000000007L), new BytesWritable(new byte[] {(byte) i, (byte) 255, 0}));
      w.close();
      for (File f : new File(dir).listFiles()) if (f.getName().endsWith(".crc")) f.delete();
    } else if (args[0].equals("read")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < args.length; i++) {
        if (args.length > 2) sb.append("== ").append(args[i]).append('\n');
        SequenceFile.Reader r = new SequenceFile.Reader(conf, SequenceFile.Reader.file(new Path(args[i])));
        Writable k = (Writable) ReflectionUtils.newInstance(r.getKeyClass(), conf);
        Writable v = (Writable) ReflectionUtils.newInstance(r.getValueClass(), conf);
        while (r.next(k, v)) sb.append(k.toString()).append('\t').append(v.toString()).append('\n');
        r.close();
      }
      System.out.print(sb);
    } else if (args[0].equals("hash")) {
      HashPartitioner<Text, Text> hp = new HashPartitioner<>();
      for (int i = 1; i < args.length; i++) {
        Text t = new Text(args[i]);
        System.out.println(args[i] + "\t" + t.hashCode() + "\t" + hp.getPartition(t, null, 7));
      }
    }
  }
}
