import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  DuckDbWarehouse,
  importFromWorkspace
} from "./chunk-FB3QVEOA.js";
import {
  upload
} from "./chunk-ZLWHUGGJ.js";
import {
  load,
  rawTableStatements
} from "./chunk-GVOVS6JP.js";
import {
  ExportClient,
  extract
} from "./chunk-Z6PYDREM.js";
import {
  LocalLake
} from "./chunk-JXLVV3XL.js";
import "./chunk-SZTBGUUW.js";
import "./chunk-24GUI5YC.js";
import "./chunk-6K2WFAIU.js";
import "./chunk-DDMIIEV4.js";
import "./chunk-ZCLQKLML.js";
import "./chunk-RMPWZSCO.js";
import "./chunk-MWCMZDA4.js";
import {
  CompileError,
  OLDEST_TIME_TEXT,
  SNOWFLAKE_TIME_TEXT_FORMAT,
  compileModel,
  compileSingularTest,
  graphOrder,
  plannedGenericTests,
  readProject,
  schemaOfModel,
  testName,
  transform
} from "./chunk-KVYT4TEJ.js";
import "./chunk-JC7DLJCH.js";
import "./chunk-XV34QLYJ.js";
import "./chunk-OYBGSQDJ.js";
import {
  pullRequestNumber,
  runUrlFromEnv
} from "./chunk-NYDE5VXU.js";
import {
  GITHUB_BODY_LIMIT,
  fitMarkdown,
  gitHubError,
  gitHubFromEnv,
  gitHubStatus
} from "./chunk-KATSHUU2.js";
import {
  INPUTS,
  OUTPUTS,
  addValidateToSummary,
  annotate,
  booleanInput,
  core_exports,
  escapeHtml,
  formatApiHour,
  hourToDate,
  info,
  location,
  notice,
  optionalInput,
  parseHour,
  secretInput,
  setOutput,
  summary,
  warning
} from "./chunk-2ZKHZUYU.js";
import {
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR
} from "./chunk-R47Z7GPO.js";
import "./chunk-DLZUFQUX.js";
import {
  ConfigurationError,
  errorMessage
} from "./chunk-Z6P62WD7.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-QNAMUATI.js";

// node_modules/buffer-crc32/dist/index.cjs
var require_dist = __commonJS({
  "node_modules/buffer-crc32/dist/index.cjs"(exports, module) {
    "use strict";
    function getDefaultExportFromCjs(x) {
      return x && x.__esModule && Object.prototype.hasOwnProperty.call(x, "default") ? x["default"] : x;
    }
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function ensureBuffer(input) {
      if (Buffer.isBuffer(input)) {
        return input;
      }
      if (typeof input === "number") {
        return Buffer.alloc(input);
      } else if (typeof input === "string") {
        return Buffer.from(input);
      } else {
        throw new Error("input must be buffer, number, or string, received " + typeof input);
      }
    }
    function bufferizeInt(num) {
      const tmp = ensureBuffer(4);
      tmp.writeInt32BE(num, 0);
      return tmp;
    }
    function _crc32(buf, previous) {
      buf = ensureBuffer(buf);
      if (Buffer.isBuffer(previous)) {
        previous = previous.readUInt32BE(0);
      }
      let crc = ~~previous ^ -1;
      for (var n = 0; n < buf.length; n++) {
        crc = CRC_TABLE[(crc ^ buf[n]) & 255] ^ crc >>> 8;
      }
      return crc ^ -1;
    }
    function crc32() {
      return bufferizeInt(_crc32.apply(null, arguments));
    }
    crc32.signed = function() {
      return _crc32.apply(null, arguments);
    };
    crc32.unsigned = function() {
      return _crc32.apply(null, arguments) >>> 0;
    };
    var bufferCrc32 = crc32;
    var index = /* @__PURE__ */ getDefaultExportFromCjs(bufferCrc32);
    module.exports = index;
  }
});

// node_modules/yazl/index.js
var require_yazl = __commonJS({
  "node_modules/yazl/index.js"(exports) {
    var fs = __require("fs");
    var Transform2 = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var zlib = __require("zlib");
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var errorMonitor = __require("events").errorMonitor;
    var crc32 = require_dist();
    exports.ZipFile = ZipFile;
    exports.dateToDosDateTime = dateToDosDateTime;
    util.inherits(ZipFile, EventEmitter);
    function ZipFile() {
      this.outputStream = new PassThrough();
      this.entries = [];
      this.outputStreamCursor = 0;
      this.ended = false;
      this.allDone = false;
      this.forceZip64Eocd = false;
      this.errored = false;
      this.on(errorMonitor, function() {
        this.errored = true;
      });
    }
    ZipFile.prototype.addFile = function(realPath, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (options == null) options = {};
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      self.entries.push(entry);
      fs.stat(realPath, function(err, stats) {
        if (err) return self.emit("error", err);
        if (!stats.isFile()) return self.emit("error", new Error("not a file: " + realPath));
        entry.uncompressedSize = stats.size;
        if (options.mtime == null) entry.setLastModDate(stats.mtime);
        if (options.mode == null) entry.setFileAttributesMode(stats.mode);
        entry.setFileDataPumpFunction(function() {
          var readStream = fs.createReadStream(realPath);
          entry.state = Entry.FILE_DATA_IN_PROGRESS;
          readStream.on("error", function(err2) {
            self.emit("error", err2);
          });
          pumpFileDataReadStream(self, entry, readStream);
        });
        pumpEntries(self);
      });
    };
    ZipFile.prototype.addReadStream = function(readStream, metadataPath, options) {
      this.addReadStreamLazy(metadataPath, options, function(cb) {
        cb(null, readStream);
      });
    };
    ZipFile.prototype.addReadStreamLazy = function(metadataPath, options, getReadStreamFunction) {
      var self = this;
      if (typeof options === "function") {
        getReadStreamFunction = options;
        options = null;
      }
      if (options == null) options = {};
      metadataPath = validateMetadataPath(metadataPath, false);
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      self.entries.push(entry);
      entry.setFileDataPumpFunction(function() {
        entry.state = Entry.FILE_DATA_IN_PROGRESS;
        getReadStreamFunction(function(err, readStream) {
          if (err) return self.emit("error", err);
          pumpFileDataReadStream(self, entry, readStream);
        });
      });
      pumpEntries(self);
    };
    ZipFile.prototype.addBuffer = function(buffer, metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, false);
      if (buffer.length > 1073741823) throw new Error("buffer too large: " + buffer.length + " > 1073741823");
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, false, options);
      entry.uncompressedSize = buffer.length;
      entry.crc32 = crc32.unsigned(buffer);
      entry.crcAndFileSizeKnown = true;
      self.entries.push(entry);
      if (entry.compressionLevel === 0) {
        setCompressedBuffer(buffer);
      } else {
        zlib.deflateRaw(buffer, { level: entry.compressionLevel }, function(err, compressedBuffer) {
          setCompressedBuffer(compressedBuffer);
        });
      }
      function setCompressedBuffer(compressedBuffer) {
        entry.compressedSize = compressedBuffer.length;
        entry.setFileDataPumpFunction(function() {
          writeToOutputStream(self, compressedBuffer);
          writeToOutputStream(self, entry.getDataDescriptor());
          entry.state = Entry.FILE_DATA_DONE;
          setImmediate(function() {
            pumpEntries(self);
          });
        });
        pumpEntries(self);
      }
    };
    ZipFile.prototype.addEmptyDirectory = function(metadataPath, options) {
      var self = this;
      metadataPath = validateMetadataPath(metadataPath, true);
      if (options == null) options = {};
      if (options.size != null) throw new Error("options.size not allowed");
      if (options.compress != null) throw new Error("options.compress not allowed");
      if (options.compressionLevel != null) throw new Error("options.compressionLevel not allowed");
      if (shouldIgnoreAdding(self)) return;
      var entry = new Entry(metadataPath, true, options);
      self.entries.push(entry);
      entry.setFileDataPumpFunction(function() {
        writeToOutputStream(self, entry.getDataDescriptor());
        entry.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
      pumpEntries(self);
    };
    var eocdrSignatureBuffer = bufferFrom([80, 75, 5, 6]);
    ZipFile.prototype.end = function(options, calculatedTotalSizeCallback) {
      if (typeof options === "function") {
        calculatedTotalSizeCallback = options;
        options = null;
      }
      if (options == null) options = {};
      if (this.ended) return;
      this.ended = true;
      if (this.errored) return;
      this.calculatedTotalSizeCallback = calculatedTotalSizeCallback;
      this.forceZip64Eocd = !!options.forceZip64Format;
      if (options.comment) {
        if (typeof options.comment === "string") {
          this.comment = encodeCp437(options.comment);
        } else {
          this.comment = options.comment;
        }
        if (this.comment.length > 65535) throw new Error("comment is too large");
        if (bufferIncludes(this.comment, eocdrSignatureBuffer)) throw new Error("comment contains end of central directory record signature");
      } else {
        this.comment = EMPTY_BUFFER;
      }
      pumpEntries(this);
    };
    function writeToOutputStream(self, buffer) {
      self.outputStream.write(buffer);
      self.outputStreamCursor += buffer.length;
    }
    function pumpFileDataReadStream(self, entry, readStream) {
      var crc32Watcher = new Crc32Watcher();
      var uncompressedSizeCounter = new ByteCounter2();
      var compressor = entry.compressionLevel !== 0 ? new zlib.DeflateRaw({ level: entry.compressionLevel }) : new PassThrough();
      var compressedSizeCounter = new ByteCounter2();
      readStream.pipe(crc32Watcher).pipe(uncompressedSizeCounter).pipe(compressor).pipe(compressedSizeCounter).pipe(self.outputStream, { end: false });
      compressedSizeCounter.on("end", function() {
        entry.crc32 = crc32Watcher.crc32;
        if (entry.uncompressedSize == null) {
          entry.uncompressedSize = uncompressedSizeCounter.byteCount;
        } else {
          if (entry.uncompressedSize !== uncompressedSizeCounter.byteCount) return self.emit("error", new Error("file data stream has unexpected number of bytes"));
        }
        entry.compressedSize = compressedSizeCounter.byteCount;
        self.outputStreamCursor += entry.compressedSize;
        writeToOutputStream(self, entry.getDataDescriptor());
        entry.state = Entry.FILE_DATA_DONE;
        pumpEntries(self);
      });
    }
    function determineCompressionLevel(options) {
      if (options.compress != null && options.compressionLevel != null) {
        if (!!options.compress !== !!options.compressionLevel) throw new Error("conflicting settings for compress and compressionLevel");
      }
      if (options.compressionLevel != null) return options.compressionLevel;
      if (options.compress === false) return 0;
      return 6;
    }
    function pumpEntries(self) {
      if (self.allDone || self.errored) return;
      if (self.ended && self.calculatedTotalSizeCallback != null) {
        var calculatedTotalSize = calculateTotalSize(self);
        if (calculatedTotalSize != null) {
          self.calculatedTotalSizeCallback(calculatedTotalSize);
          self.calculatedTotalSizeCallback = null;
        }
      }
      var entry = getFirstNotDoneEntry();
      function getFirstNotDoneEntry() {
        for (var i = 0; i < self.entries.length; i++) {
          var entry2 = self.entries[i];
          if (entry2.state < Entry.FILE_DATA_DONE) return entry2;
        }
        return null;
      }
      if (entry != null) {
        if (entry.state < Entry.READY_TO_PUMP_FILE_DATA) return;
        if (entry.state === Entry.FILE_DATA_IN_PROGRESS) return;
        entry.relativeOffsetOfLocalHeader = self.outputStreamCursor;
        var localFileHeader = entry.getLocalFileHeader();
        writeToOutputStream(self, localFileHeader);
        entry.doFileDataPump();
      } else {
        if (self.ended) {
          self.offsetOfStartOfCentralDirectory = self.outputStreamCursor;
          self.entries.forEach(function(entry2) {
            var centralDirectoryRecord = entry2.getCentralDirectoryRecord();
            writeToOutputStream(self, centralDirectoryRecord);
          });
          writeToOutputStream(self, getEndOfCentralDirectoryRecord(self));
          self.outputStream.end();
          self.allDone = true;
        }
      }
    }
    function calculateTotalSize(self) {
      var pretendOutputCursor = 0;
      var centralDirectorySize = 0;
      for (var i = 0; i < self.entries.length; i++) {
        var entry = self.entries[i];
        if (entry.compressionLevel !== 0) return -1;
        if (entry.state >= Entry.READY_TO_PUMP_FILE_DATA) {
          if (entry.uncompressedSize == null) return -1;
        } else {
          if (entry.uncompressedSize == null) return null;
        }
        entry.relativeOffsetOfLocalHeader = pretendOutputCursor;
        var useZip64Format = entry.useZip64Format();
        pretendOutputCursor += LOCAL_FILE_HEADER_FIXED_SIZE + entry.utf8FileName.length;
        pretendOutputCursor += entry.uncompressedSize;
        if (!entry.crcAndFileSizeKnown) {
          if (useZip64Format) {
            pretendOutputCursor += ZIP64_DATA_DESCRIPTOR_SIZE;
          } else {
            pretendOutputCursor += DATA_DESCRIPTOR_SIZE;
          }
        }
        centralDirectorySize += CENTRAL_DIRECTORY_RECORD_FIXED_SIZE + entry.utf8FileName.length + entry.fileComment.length;
        if (!entry.forceDosTimestamp) {
          centralDirectorySize += INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE;
        }
        if (useZip64Format) {
          centralDirectorySize += ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE;
        }
      }
      var endOfCentralDirectorySize = 0;
      if (self.forceZip64Eocd || self.entries.length >= 65535 || centralDirectorySize >= 65535 || pretendOutputCursor >= 4294967295) {
        endOfCentralDirectorySize += ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE;
      }
      endOfCentralDirectorySize += END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length;
      return pretendOutputCursor + centralDirectorySize + endOfCentralDirectorySize;
    }
    function shouldIgnoreAdding(self) {
      if (self.ended) throw new Error("cannot add entries after calling end()");
      if (self.errored) return true;
      return false;
    }
    var ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 56;
    var ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE = 20;
    var END_OF_CENTRAL_DIRECTORY_RECORD_SIZE = 22;
    function getEndOfCentralDirectoryRecord(self, actuallyJustTellMeHowLongItWouldBe) {
      var needZip64Format = false;
      var normalEntriesLength = self.entries.length;
      if (self.forceZip64Eocd || self.entries.length >= 65535) {
        normalEntriesLength = 65535;
        needZip64Format = true;
      }
      var sizeOfCentralDirectory = self.outputStreamCursor - self.offsetOfStartOfCentralDirectory;
      var normalSizeOfCentralDirectory = sizeOfCentralDirectory;
      if (self.forceZip64Eocd || sizeOfCentralDirectory >= 4294967295) {
        normalSizeOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      var normalOffsetOfStartOfCentralDirectory = self.offsetOfStartOfCentralDirectory;
      if (self.forceZip64Eocd || self.offsetOfStartOfCentralDirectory >= 4294967295) {
        normalOffsetOfStartOfCentralDirectory = 4294967295;
        needZip64Format = true;
      }
      if (actuallyJustTellMeHowLongItWouldBe) {
        if (needZip64Format) {
          return ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE + END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        } else {
          return END_OF_CENTRAL_DIRECTORY_RECORD_SIZE;
        }
      }
      var eocdrBuffer = bufferAlloc(END_OF_CENTRAL_DIRECTORY_RECORD_SIZE + self.comment.length);
      eocdrBuffer.writeUInt32LE(101010256, 0);
      eocdrBuffer.writeUInt16LE(0, 4);
      eocdrBuffer.writeUInt16LE(0, 6);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 8);
      eocdrBuffer.writeUInt16LE(normalEntriesLength, 10);
      eocdrBuffer.writeUInt32LE(normalSizeOfCentralDirectory, 12);
      eocdrBuffer.writeUInt32LE(normalOffsetOfStartOfCentralDirectory, 16);
      eocdrBuffer.writeUInt16LE(self.comment.length, 20);
      self.comment.copy(eocdrBuffer, 22);
      if (!needZip64Format) return eocdrBuffer;
      var zip64EocdrBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE);
      zip64EocdrBuffer.writeUInt32LE(101075792, 0);
      writeUInt64LE(zip64EocdrBuffer, ZIP64_END_OF_CENTRAL_DIRECTORY_RECORD_SIZE - 12, 4);
      zip64EocdrBuffer.writeUInt16LE(VERSION_MADE_BY, 12);
      zip64EocdrBuffer.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_ZIP64, 14);
      zip64EocdrBuffer.writeUInt32LE(0, 16);
      zip64EocdrBuffer.writeUInt32LE(0, 20);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 24);
      writeUInt64LE(zip64EocdrBuffer, self.entries.length, 32);
      writeUInt64LE(zip64EocdrBuffer, sizeOfCentralDirectory, 40);
      writeUInt64LE(zip64EocdrBuffer, self.offsetOfStartOfCentralDirectory, 48);
      var zip64EocdlBuffer = bufferAlloc(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIZE);
      zip64EocdlBuffer.writeUInt32LE(117853008, 0);
      zip64EocdlBuffer.writeUInt32LE(0, 4);
      writeUInt64LE(zip64EocdlBuffer, self.outputStreamCursor, 8);
      zip64EocdlBuffer.writeUInt32LE(1, 16);
      return Buffer.concat([
        zip64EocdrBuffer,
        zip64EocdlBuffer,
        eocdrBuffer
      ]);
    }
    function validateMetadataPath(metadataPath, isDirectory) {
      if (metadataPath === "") throw new Error("empty metadataPath");
      metadataPath = metadataPath.replace(/\\/g, "/");
      if (/^[a-zA-Z]:/.test(metadataPath) || /^\//.test(metadataPath)) throw new Error("absolute path: " + metadataPath);
      if (metadataPath.split("/").indexOf("..") !== -1) throw new Error("invalid relative path: " + metadataPath);
      var looksLikeDirectory = /\/$/.test(metadataPath);
      if (isDirectory) {
        if (!looksLikeDirectory) metadataPath += "/";
      } else {
        if (looksLikeDirectory) throw new Error("file path cannot end with '/': " + metadataPath);
      }
      return metadataPath;
    }
    var EMPTY_BUFFER = bufferAlloc(0);
    function Entry(metadataPath, isDirectory, options) {
      this.utf8FileName = bufferFrom(metadataPath);
      if (this.utf8FileName.length > 65535) throw new Error("utf8 file name too long. " + utf8FileName.length + " > 65535");
      this.isDirectory = isDirectory;
      this.state = Entry.WAITING_FOR_METADATA;
      this.setLastModDate(options.mtime != null ? options.mtime : /* @__PURE__ */ new Date());
      this.forceDosTimestamp = !!options.forceDosTimestamp;
      if (options.mode != null) {
        this.setFileAttributesMode(options.mode);
      } else {
        this.setFileAttributesMode(isDirectory ? 16893 : 33204);
      }
      if (isDirectory) {
        this.crcAndFileSizeKnown = true;
        this.crc32 = 0;
        this.uncompressedSize = 0;
        this.compressedSize = 0;
      } else {
        this.crcAndFileSizeKnown = false;
        this.crc32 = null;
        this.uncompressedSize = null;
        this.compressedSize = null;
        if (options.size != null) this.uncompressedSize = options.size;
      }
      if (isDirectory) {
        this.compressionLevel = 0;
      } else {
        this.compressionLevel = determineCompressionLevel(options);
      }
      this.forceZip64Format = !!options.forceZip64Format;
      if (options.fileComment) {
        if (typeof options.fileComment === "string") {
          this.fileComment = bufferFrom(options.fileComment, "utf-8");
        } else {
          this.fileComment = options.fileComment;
        }
        if (this.fileComment.length > 65535) throw new Error("fileComment is too large");
      } else {
        this.fileComment = EMPTY_BUFFER;
      }
    }
    Entry.WAITING_FOR_METADATA = 0;
    Entry.READY_TO_PUMP_FILE_DATA = 1;
    Entry.FILE_DATA_IN_PROGRESS = 2;
    Entry.FILE_DATA_DONE = 3;
    Entry.prototype.setLastModDate = function(date) {
      this.mtime = date;
      var dosDateTime = dateToDosDateTime(date);
      this.lastModFileTime = dosDateTime.time;
      this.lastModFileDate = dosDateTime.date;
    };
    Entry.prototype.setFileAttributesMode = function(mode) {
      if ((mode & 65535) !== mode) throw new Error("invalid mode. expected: 0 <= " + mode + " <= 65535");
      this.externalFileAttributes = mode << 16 >>> 0;
    };
    Entry.prototype.setFileDataPumpFunction = function(doFileDataPump) {
      this.doFileDataPump = doFileDataPump;
      this.state = Entry.READY_TO_PUMP_FILE_DATA;
    };
    Entry.prototype.useZip64Format = function() {
      return this.forceZip64Format || this.uncompressedSize != null && this.uncompressedSize > 4294967294 || this.compressedSize != null && this.compressedSize > 4294967294 || this.relativeOffsetOfLocalHeader != null && this.relativeOffsetOfLocalHeader > 4294967294;
    };
    var LOCAL_FILE_HEADER_FIXED_SIZE = 30;
    var VERSION_NEEDED_TO_EXTRACT_UTF8 = 20;
    var VERSION_NEEDED_TO_EXTRACT_ZIP64 = 45;
    var VERSION_MADE_BY = 3 << 8 | 63;
    var FILE_NAME_IS_UTF8 = 1 << 11;
    var UNKNOWN_CRC32_AND_FILE_SIZES = 1 << 3;
    Entry.prototype.getLocalFileHeader = function() {
      var crc322 = 0;
      var compressedSize = 0;
      var uncompressedSize = 0;
      if (this.crcAndFileSizeKnown) {
        crc322 = this.crc32;
        compressedSize = this.compressedSize;
        uncompressedSize = this.uncompressedSize;
      }
      var fixedSizeStuff = bufferAlloc(LOCAL_FILE_HEADER_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      fixedSizeStuff.writeUInt32LE(67324752, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_NEEDED_TO_EXTRACT_UTF8, 4);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 6);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 8);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 12);
      fixedSizeStuff.writeUInt32LE(crc322, 14);
      fixedSizeStuff.writeUInt32LE(compressedSize, 18);
      fixedSizeStuff.writeUInt32LE(uncompressedSize, 22);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 26);
      fixedSizeStuff.writeUInt16LE(0, 28);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName
        // extra field (variable size)
        // no extra fields
      ]);
    };
    var DATA_DESCRIPTOR_SIZE = 16;
    var ZIP64_DATA_DESCRIPTOR_SIZE = 24;
    Entry.prototype.getDataDescriptor = function() {
      if (this.crcAndFileSizeKnown) {
        return EMPTY_BUFFER;
      }
      if (!this.useZip64Format()) {
        var buffer = bufferAlloc(DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        buffer.writeUInt32LE(this.compressedSize, 8);
        buffer.writeUInt32LE(this.uncompressedSize, 12);
        return buffer;
      } else {
        var buffer = bufferAlloc(ZIP64_DATA_DESCRIPTOR_SIZE);
        buffer.writeUInt32LE(134695760, 0);
        buffer.writeUInt32LE(this.crc32, 4);
        writeUInt64LE(buffer, this.compressedSize, 8);
        writeUInt64LE(buffer, this.uncompressedSize, 16);
        return buffer;
      }
    };
    var CENTRAL_DIRECTORY_RECORD_FIXED_SIZE = 46;
    var INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE = 9;
    var ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE = 28;
    Entry.prototype.getCentralDirectoryRecord = function() {
      var fixedSizeStuff = bufferAlloc(CENTRAL_DIRECTORY_RECORD_FIXED_SIZE);
      var generalPurposeBitFlag = FILE_NAME_IS_UTF8;
      if (!this.crcAndFileSizeKnown) generalPurposeBitFlag |= UNKNOWN_CRC32_AND_FILE_SIZES;
      var izutefBuffer = EMPTY_BUFFER;
      if (!this.forceDosTimestamp) {
        izutefBuffer = bufferAlloc(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE);
        izutefBuffer.writeUInt16LE(21589, 0);
        izutefBuffer.writeUInt16LE(INFO_ZIP_UNIVERSAL_TIMESTAMP_EXTRA_FIELD_SIZE - 4, 2);
        var EB_UT_FL_MTIME = 1 << 0;
        var EB_UT_FL_ATIME = 1 << 1;
        izutefBuffer.writeUInt8(EB_UT_FL_MTIME | EB_UT_FL_ATIME, 4);
        var timestamp = Math.floor(this.mtime.getTime() / 1e3);
        if (timestamp < -2147483648) timestamp = -2147483648;
        if (timestamp > 2147483647) timestamp = 2147483647;
        izutefBuffer.writeUInt32LE(timestamp, 5);
      }
      var normalCompressedSize = this.compressedSize;
      var normalUncompressedSize = this.uncompressedSize;
      var normalRelativeOffsetOfLocalHeader = this.relativeOffsetOfLocalHeader;
      var versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_UTF8;
      var zeiefBuffer = EMPTY_BUFFER;
      if (this.useZip64Format()) {
        normalCompressedSize = 4294967295;
        normalUncompressedSize = 4294967295;
        normalRelativeOffsetOfLocalHeader = 4294967295;
        versionNeededToExtract = VERSION_NEEDED_TO_EXTRACT_ZIP64;
        zeiefBuffer = bufferAlloc(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE);
        zeiefBuffer.writeUInt16LE(1, 0);
        zeiefBuffer.writeUInt16LE(ZIP64_EXTENDED_INFORMATION_EXTRA_FIELD_SIZE - 4, 2);
        writeUInt64LE(zeiefBuffer, this.uncompressedSize, 4);
        writeUInt64LE(zeiefBuffer, this.compressedSize, 12);
        writeUInt64LE(zeiefBuffer, this.relativeOffsetOfLocalHeader, 20);
      }
      fixedSizeStuff.writeUInt32LE(33639248, 0);
      fixedSizeStuff.writeUInt16LE(VERSION_MADE_BY, 4);
      fixedSizeStuff.writeUInt16LE(versionNeededToExtract, 6);
      fixedSizeStuff.writeUInt16LE(generalPurposeBitFlag, 8);
      fixedSizeStuff.writeUInt16LE(this.getCompressionMethod(), 10);
      fixedSizeStuff.writeUInt16LE(this.lastModFileTime, 12);
      fixedSizeStuff.writeUInt16LE(this.lastModFileDate, 14);
      fixedSizeStuff.writeUInt32LE(this.crc32, 16);
      fixedSizeStuff.writeUInt32LE(normalCompressedSize, 20);
      fixedSizeStuff.writeUInt32LE(normalUncompressedSize, 24);
      fixedSizeStuff.writeUInt16LE(this.utf8FileName.length, 28);
      fixedSizeStuff.writeUInt16LE(izutefBuffer.length + zeiefBuffer.length, 30);
      fixedSizeStuff.writeUInt16LE(this.fileComment.length, 32);
      fixedSizeStuff.writeUInt16LE(0, 34);
      fixedSizeStuff.writeUInt16LE(0, 36);
      fixedSizeStuff.writeUInt32LE(this.externalFileAttributes, 38);
      fixedSizeStuff.writeUInt32LE(normalRelativeOffsetOfLocalHeader, 42);
      return Buffer.concat([
        fixedSizeStuff,
        // file name (variable size)
        this.utf8FileName,
        // extra field (variable size)
        izutefBuffer,
        zeiefBuffer,
        // file comment (variable size)
        this.fileComment
      ]);
    };
    Entry.prototype.getCompressionMethod = function() {
      var NO_COMPRESSION = 0;
      var DEFLATE_COMPRESSION = 8;
      return this.compressionLevel === 0 ? NO_COMPRESSION : DEFLATE_COMPRESSION;
    };
    var minDosDate = new Date(1980, 0, 1);
    var maxDosDate = new Date(2107, 11, 31, 23, 59, 58);
    function dateToDosDateTime(jsDate) {
      if (jsDate < minDosDate) jsDate = minDosDate;
      else if (jsDate > maxDosDate) jsDate = maxDosDate;
      var date = 0;
      date |= jsDate.getDate() & 31;
      date |= (jsDate.getMonth() + 1 & 15) << 5;
      date |= (jsDate.getFullYear() - 1980 & 127) << 9;
      var time = 0;
      time |= Math.floor(jsDate.getSeconds() / 2);
      time |= (jsDate.getMinutes() & 63) << 5;
      time |= (jsDate.getHours() & 31) << 11;
      return { date, time };
    }
    function writeUInt64LE(buffer, n, offset) {
      var high = Math.floor(n / 4294967296);
      var low = n % 4294967296;
      buffer.writeUInt32LE(low, offset);
      buffer.writeUInt32LE(high, offset + 4);
    }
    util.inherits(ByteCounter2, Transform2);
    function ByteCounter2(options) {
      Transform2.call(this, options);
      this.byteCount = 0;
    }
    ByteCounter2.prototype._transform = function(chunk, encoding, cb) {
      this.byteCount += chunk.length;
      cb(null, chunk);
    };
    util.inherits(Crc32Watcher, Transform2);
    function Crc32Watcher(options) {
      Transform2.call(this, options);
      this.crc32 = 0;
    }
    Crc32Watcher.prototype._transform = function(chunk, encoding, cb) {
      this.crc32 = crc32.unsigned(chunk, this.crc32);
      cb(null, chunk);
    };
    var cp437 = "\0☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ";
    if (cp437.length !== 256) throw new Error("assertion failure");
    var reverseCp437 = null;
    function encodeCp437(string) {
      if (/^[\x20-\x7e]*$/.test(string)) {
        return bufferFrom(string, "utf-8");
      }
      if (reverseCp437 == null) {
        reverseCp437 = {};
        for (var i = 0; i < cp437.length; i++) {
          reverseCp437[cp437[i]] = i;
        }
      }
      var result = bufferAlloc(string.length);
      for (var i = 0; i < string.length; i++) {
        var b = reverseCp437[string[i]];
        if (b == null) throw new Error("character not encodable in CP437: " + JSON.stringify(string[i]));
        result[i] = b;
      }
      return result;
    }
    function bufferAlloc(size) {
      bufferAlloc = modern;
      try {
        return bufferAlloc(size);
      } catch (e) {
        bufferAlloc = legacy;
        return bufferAlloc(size);
      }
      function modern(size2) {
        return Buffer.allocUnsafe(size2);
      }
      function legacy(size2) {
        return new Buffer(size2);
      }
    }
    function bufferFrom(something, encoding) {
      bufferFrom = modern;
      try {
        return bufferFrom(something, encoding);
      } catch (e) {
        bufferFrom = legacy;
        return bufferFrom(something, encoding);
      }
      function modern(something2, encoding2) {
        return Buffer.from(something2, encoding2);
      }
      function legacy(something2, encoding2) {
        return new Buffer(something2, encoding2);
      }
    }
    function bufferIncludes(buffer, content) {
      bufferIncludes = modern;
      try {
        return bufferIncludes(buffer, content);
      } catch (e) {
        bufferIncludes = legacy;
        return bufferIncludes(buffer, content);
      }
      function modern(buffer2, content2) {
        return buffer2.includes(content2);
      }
      function legacy(buffer2, content2) {
        for (var i = 0; i <= buffer2.length - content2.length; i++) {
          for (var j = 0; ; j++) {
            if (j === content2.length) return true;
            if (buffer2[i + j] !== content2[j]) break;
          }
        }
        return false;
      }
    }
  }
});

// src/actions/validate-main.ts
import { tmpdir as tmpdir5 } from "node:os";
import { isAbsolute as isAbsolute3, join as join7, relative as relative3, resolve as resolve4 } from "node:path";

// src/github/sticky-comment.ts
var CUT_NOTE = "**This comment was cut to fit GitHub's 65,536-character limit.** The job summary of this run has all of it.";
async function upsertStickyComment(options) {
  const { octokit, owner, repo, issueNumber, marker } = options;
  const withMarker = options.body.includes(marker) ? options.body : `${marker}
${options.body}`;
  const body = fitMarkdown(withMarker, GITHUB_BODY_LIMIT, CUT_NOTE);
  let doing = `list the comments of #${issueNumber} in ${owner}/${repo}`;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100
    });
    const existing = comments.find((comment) => comment.body?.includes(marker));
    if (existing && existing.body === body) return { action: "unchanged", url: existing.html_url };
    if (existing) {
      doing = `update comment ${existing.id} on #${issueNumber} in ${owner}/${repo}`;
      const { data: data2 } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body
      });
      return { action: "updated", url: data2.html_url };
    }
    doing = `comment on #${issueNumber} in ${owner}/${repo}`;
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body
    });
    return { action: "created", url: data.html_url };
  } catch (error) {
    const status = gitHubStatus(error);
    if (status === 403 || status === 404) {
      return {
        action: "skipped",
        reason: `GitHub answered ${status} when asked to ${doing} (${errorMessage(error)}): a pull request from a fork gets a read-only token; the results are in the job summary and the annotations instead`
      };
    }
    throw gitHubError(doing, error);
  }
}

// src/validate/model-changes.ts
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
function compileAll(project, dialect) {
  const out = /* @__PURE__ */ new Map();
  for (const model of project.models.values()) {
    try {
      out.set(model.name, { path: model.path, sql: compileModel(project, model, { dialect }).sql });
    } catch (error) {
      out.set(model.name, { path: model.path, error: errorMessage(error) });
    }
  }
  return out;
}
async function compiledModelChanges(baseProjectDir, headProject, dialect = "snowflake") {
  const head = typeof headProject === "string" ? await readProject(headProject) : headProject;
  const headModels = compileAll(head, dialect);
  let baseModels;
  try {
    baseModels = compileAll(await readProject(baseProjectDir), dialect);
  } catch (error) {
    const baseError = errorMessage(error);
    return {
      dialect,
      baseError,
      models: [...headModels].map(([model, { path }]) => ({
        model,
        path,
        change: "base does not compile",
        error: baseError
      })).sort(byName)
    };
  }
  const models = [];
  for (const [model, now] of headModels) {
    const before = baseModels.get(model);
    if (now.error !== void 0)
      models.push({ model, path: now.path, change: "does not compile", error: now.error });
    else if (!before) models.push({ model, path: now.path, change: "added" });
    else if (before.error !== void 0)
      models.push({ model, path: now.path, change: "base does not compile", error: before.error });
    else if (before.sql === now.sql) models.push({ model, path: now.path, change: "unchanged" });
    else
      models.push({
        model,
        path: now.path,
        change: "changed",
        diff: unifiedDiff(before.sql, now.sql, `a/${before.path}`, `b/${now.path}`)
      });
  }
  for (const [model, before] of baseModels)
    if (!headModels.has(model)) models.push({ model, path: before.path, change: "removed" });
  return { dialect, models: models.sort(byName) };
}
function byName(a, b) {
  return a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
}
var MAX_LCS_CELLS = 4e6;
function lineEdits(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits = a.slice(0, start).map((line) => ({ op: " ", line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_LCS_CELLS) {
    edits.push(
      ...midA.map((line) => ({ op: "-", line })),
      ...midB.map((line) => ({ op: "+", line }))
    );
  } else {
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i2 = n - 1; i2 >= 0; i2--)
      for (let j2 = m - 1; j2 >= 0; j2--)
        lcs[i2 * width + j2] = midA[i2] === midB[j2] ? lcs[(i2 + 1) * width + j2 + 1] + 1 : Math.max(lcs[(i2 + 1) * width + j2], lcs[i2 * width + j2 + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        edits.push({ op: " ", line: midA[i] });
        i++;
        j++;
      } else if (j < m && (i === n || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
        edits.push({ op: "+", line: midB[j++] });
      } else {
        edits.push({ op: "-", line: midA[i++] });
      }
    }
    for (let k = start; k < edits.length; ) {
      if (edits[k].op === " ") {
        k++;
        continue;
      }
      let end = k;
      while (end < edits.length && edits[end].op !== " ") end++;
      const run2 = edits.slice(k, end);
      edits.splice(k, run2.length, ...run2.filter((e) => e.op === "-"), ...run2.filter((e) => e.op === "+"));
      k = end;
    }
  }
  edits.push(...a.slice(endA).map((line) => ({ op: " ", line })));
  return edits;
}
function splitLines(text) {
  if (text === "") return [];
  return text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
}
function unifiedDiff(before, after, fromName, toName, context = 3) {
  const edits = lineEdits(splitLines(before), splitLines(after));
  const changed = edits.map((e, k) => e.op === " " ? -1 : k).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  const hunks = [];
  for (const k of changed) {
    const from = Math.max(0, k - context);
    const to = Math.min(edits.length, k + context + 1);
    const last = hunks.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  const oldLine = [];
  const newLine = [];
  let o = 1;
  let n = 1;
  for (const e of edits) {
    oldLine.push(o);
    newLine.push(n);
    if (e.op !== "+") o++;
    if (e.op !== "-") n++;
  }
  for (const [from, to] of hunks) {
    const slice = edits.slice(from, to);
    const oldCount = slice.filter((e) => e.op !== "+").length;
    const newCount = slice.filter((e) => e.op !== "-").length;
    const range = (startLine, count) => count === 0 ? `${startLine - 1},0` : count === 1 ? `${startLine}` : `${startLine},${count}`;
    out.push(`@@ -${range(oldLine[from], oldCount)} +${range(newLine[from], newCount)} @@`);
    for (const e of slice) out.push(`${e.op}${e.line}`);
  }
  return out.join("\n") + "\n";
}
function git(cwd, args, env) {
  return new Promise((resolvePromise, reject) => {
    execFile(
      "git",
      args,
      { cwd, env, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const said = stderr.toString("utf8").trim().split("\n")[0];
          reject(new Error(said || error.message));
        } else resolvePromise(stdout);
      }
    );
  });
}
async function baseProjectFromGit(options) {
  if (!/^pull_request(_target)?$/.test(options.eventName ?? ""))
    return { unavailable: "not a pull_request event: there is no base to compare with" };
  const workspace = resolve(options.workspace);
  const env = {
    ...options.env ?? process.env,
    // Never look for a repository above the workspace, nor take one from the environment.
    GIT_CEILING_DIRECTORIES: dirname(workspace),
    GIT_DIR: void 0,
    GIT_WORK_TREE: void 0,
    GIT_INDEX_FILE: void 0,
    GIT_TERMINAL_PROMPT: "0"
  };
  for (const key of Object.keys(env)) if (env[key] === void 0) delete env[key];
  const cwd = options.projectDir.startsWith(workspace) ? options.projectDir : workspace;
  let top;
  try {
    top = (await git(cwd, ["rev-parse", "--show-toplevel"], env)).toString("utf8").trim();
  } catch (error) {
    return { unavailable: `no git repository in the workspace (${errorMessage(error)})` };
  }
  let commit;
  try {
    commit = (await git(top, ["rev-parse", "--verify", "--quiet", "HEAD^1^{commit}"], env)).toString("utf8").trim();
  } catch {
    return {
      unavailable: "HEAD has no parent commit here (a shallow clone of depth 1? actions/checkout needs fetch-depth: 2)"
    };
  }
  const inRepo = relative(top, resolve(options.projectDir)).split("\\").join("/");
  if (inRepo.startsWith("..") || isAbsolute(inRepo))
    return { unavailable: `the project ${options.projectDir} is outside the git repository ${top}` };
  let listing;
  try {
    listing = (await git(top, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", inRepo || "."], env)).toString("utf8");
  } catch (error) {
    return { unavailable: `the base commit's files could not be listed (${errorMessage(error)})` };
  }
  const blobs = listing.split("\0").filter(Boolean).map((entry) => {
    const tab = entry.indexOf("	");
    const [, type, sha] = entry.slice(0, tab).split(" ");
    return { type, sha, path: entry.slice(tab + 1) };
  }).filter((e) => e.type === "blob");
  if (blobs.length === 0)
    return { unavailable: `the base commit ${commit.slice(0, 12)} has no ${inRepo || "project"} folder` };
  const root = await mkdtemp(join(options.tempRoot ?? tmpdir(), "base-project-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    for (const blob of blobs) {
      const inProject = inRepo ? blob.path.slice(inRepo.length + 1) : blob.path;
      const file = join(root, inProject);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await git(top, ["cat-file", "blob", blob.sha], env));
    }
  } catch (error) {
    await cleanup();
    return { unavailable: `the base commit's project could not be read (${errorMessage(error)})` };
  }
  return { dir: root, commit, cleanup };
}

// src/validate/validate.ts
import { mkdir as mkdir4, writeFile as writeFile4 } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join as join6, resolve as resolve3 } from "node:path";

// src/validate/compile-check.ts
import { mkdir as mkdir2, readFile, writeFile as writeFile2 } from "node:fs/promises";
import { dirname as dirname2, join as join2, resolve as resolve2 } from "node:path";

// src/validate/report.ts
import { isAbsolute as isAbsolute2, relative as relative2 } from "node:path";
var CHECKS = ["compile", "execute", "tests", "polyglot", "parity", "sqlfluff"];
var Diagnostics = class {
  found = /* @__PURE__ */ new Map();
  add(diagnostic) {
    const { context, ...rest } = diagnostic;
    const key = [rest.check, rest.severity, rest.file ?? "", rest.line ?? "", rest.message].join("\0");
    const entry = this.found.get(key) ?? { diagnostic: rest, contexts: [] };
    if (context && !entry.contexts.includes(context)) entry.contexts.push(context);
    this.found.set(key, entry);
  }
  count(check, severity) {
    return this.list().filter((d) => d.check === check && d.severity === severity).length;
  }
  list() {
    return [...this.found.values()].map(
      ({ diagnostic, contexts }) => contexts.length > 0 ? { ...diagnostic, message: `${diagnostic.message} (${contexts.join(", ")})` } : diagnostic
    );
  }
};
function displayPath(path, cwd = process.cwd()) {
  const shown2 = relative2(cwd, path);
  return shown2 === "" || shown2.startsWith("..") || isAbsolute2(shown2) ? path : shown2;
}

// src/validate/compile-check.ts
var DIALECTS = ["duckdb", "snowflake"];
var VARIANTS = [
  { kind: "model", suffix: ".sql", options: {} },
  { kind: "incremental", suffix: ".incremental.sql", options: { incremental: true } },
  { kind: "scope", suffix: ".scope.sql", options: { incremental: true, scope: true } }
];
async function compileEverything(project, options) {
  const started = options.clock();
  const statements = [];
  let failed = 0;
  let runnable = true;
  const templates = /* @__PURE__ */ new Map();
  const templateText = async (path) => {
    if (!templates.has(path)) templates.set(path, await readFile(join2(project.root, path), "utf8"));
    return templates.get(path);
  };
  const source = (path, text) => ({ file: shown(project, path), text });
  const fail = (error, dialect, what) => {
    failed += 1;
    if (dialect === "duckdb") runnable = false;
    options.diagnostics.add({ ...compileDiagnostic(project, error, what), context: dialect });
  };
  for (const dialect of DIALECTS) {
    const root = join2(options.targetDir, "compiled", dialect);
    const write = async (path, sql) => {
      const file = join2(root, path);
      await mkdir2(dirname2(file), { recursive: true });
      await writeFile2(file, sql.endsWith("\n") ? sql : sql + "\n");
      return displayPath(resolve2(file));
    };
    const compiled = /* @__PURE__ */ new Map();
    for (const model of project.models.values()) {
      for (const variant of VARIANTS) {
        const full = compiled.get(model.name);
        if (variant.kind !== "model" && full?.config.materialized !== "incremental") break;
        if (variant.kind === "scope" && !full.config.scope) break;
        let rendered;
        try {
          rendered = compileModel(project, model, { dialect, ...variant.options });
        } catch (error) {
          fail(error, dialect, variant.kind === "model" ? void 0 : `${variant.kind} build`);
          break;
        }
        if (variant.kind === "model") compiled.set(model.name, rendered);
        const reads = relationsRead(project, rendered.refs, rendered.sources);
        statements.push({
          dialect,
          kind: variant.kind,
          name: variant.kind === "model" ? rendered.relation : `${rendered.relation} (${variant.kind})`,
          file: await write(model.path.replace(/\.sql$/, variant.suffix), rendered.sql),
          sql: rendered.sql,
          source: source(model.path, model.sql),
          // An incremental build also reads the table it adds to.
          reads: variant.kind === "model" ? reads : [...reads, rendered.relation],
          model: model.name
        });
      }
    }
    try {
      graphOrder(project, resolvable(compiled));
    } catch (error) {
      fail(error, dialect);
    }
    const planning = withStubs(project, compiled);
    const planned = /* @__PURE__ */ new Map();
    for (const name of [...compiled.keys()].sort()) {
      try {
        for (const test of plannedGenericTests(project, planning, /* @__PURE__ */ new Set([name])))
          planned.set(test.name, test);
      } catch (error) {
        fail(error, dialect);
      }
    }
    for (const test of planned.values()) {
      statements.push({
        dialect,
        kind: "test",
        name: test.name,
        file: await write(`tests/${test.name}.sql`, test.sql),
        sql: test.sql,
        source: source(test.declaredIn, await templateText(test.declaredIn)),
        reads: [
          ...relationsRead(
            project,
            test.on.filter((on) => project.models.has(on)),
            test.on.filter((on) => project.sources.has(on))
          ),
          ...test.needs ?? []
        ]
      });
    }
    for (const test of project.singularTests) {
      try {
        const rendered = compileSingularTest(project, test, dialect);
        statements.push({
          dialect,
          kind: "test",
          name: rendered.name,
          file: await write(test.path, rendered.sql),
          sql: rendered.sql,
          source: source(test.path, test.sql),
          reads: relationsRead(project, rendered.refs, rendered.sources)
        });
      } catch (error) {
        fail(error, dialect);
      }
    }
  }
  return {
    statements,
    runnable,
    summary: {
      check: "compile",
      passed: statements.length,
      failed,
      warnings: 0,
      skipped: 0,
      seconds: (options.clock() - started) / 1e3,
      note: "statements for duckdb and snowflake: full, incremental and scope builds, tests"
    }
  };
}
function shown(project, path) {
  return displayPath(resolve2(project.root, path));
}
function compileDiagnostic(project, error, what) {
  const message = errorMessage(error);
  const prefix = what ? `${what}: ` : "";
  const leading = /^([^\s:]+\.(?:sql|ya?ml))(?::(\d+))?: ([\s\S]*)$/.exec(message);
  if (leading) {
    return {
      check: "compile",
      severity: "error",
      file: shown(project, leading[1]),
      line: leading[2] === void 0 ? void 0 : Number(leading[2]),
      message: prefix + leading[3]
    };
  }
  const inside = /([^\s:]+\.(?:sql|ya?ml)):(\d+)/.exec(message);
  return {
    check: "compile",
    severity: "error",
    file: inside ? shown(project, inside[1]) : void 0,
    line: inside ? Number(inside[2]) : void 0,
    message: prefix + message
  };
}
function relationsRead(project, refs, sources) {
  return [
    ...refs.flatMap((ref) => {
      const model = project.models.get(ref);
      return model ? [`${schemaOfModel(model)}.${ref}`] : [];
    }),
    ...sources.flatMap((key) => {
      const declared = project.sources.get(key);
      return declared ? [`${declared.schema}.${declared.identifier}`] : [];
    })
  ];
}
function resolvable(compiled) {
  const kept = new Map(compiled);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, model] of kept) {
      if (model.refs.every((ref) => kept.has(ref))) continue;
      kept.delete(name);
      changed = true;
    }
  }
  return kept;
}
function withStubs(project, compiled) {
  const planning = new Map(compiled);
  for (const model of project.models.values()) {
    if (!planning.has(model.name)) planning.set(model.name, stub(model));
  }
  return planning;
}
function stub(model) {
  const schema = schemaOfModel(model);
  return {
    name: model.name,
    path: model.path,
    relation: `${schema}.${model.name}`,
    config: { materialized: "view", schema, uniqueKey: [], strategy: "merge", tags: [] },
    refs: [],
    sources: [],
    seeds: [],
    sql: ""
  };
}

// src/actions/workspace/polyglot-sql-sdk.ts
var POLYGLOT_PACKAGE = {
  name: "@polyglot-sql/sdk",
  version: "0.12.1",
  neededBy: "the Snowflake SQL check of validate"
};
var polyglot = await importFromWorkspace(POLYGLOT_PACKAGE);
var { Dialect, parse, validate, validateWithSchema } = polyglot;

// src/validate/template-lines.ts
function templateLine(template, rendered, line, word) {
  const lines = template.split("\n");
  const text = rendered.split("\n")[line - 1]?.trim();
  if (text) {
    const same = lines.flatMap((candidate, i) => candidate.trim() === text ? [i + 1] : []);
    if (same.length === 1) return same[0];
  }
  if (!word || !/^[A-Za-z_][A-Za-z0-9_$.]*$/.test(word)) return void 0;
  const pattern = new RegExp(`(^|[^A-Za-z0-9_$])${word.replace(/[.$]/g, "\\$&")}($|[^A-Za-z0-9_$])`, "i");
  const holding = lines.flatMap((candidate, i) => pattern.test(candidate) ? [i + 1] : []);
  return holding.length === 1 ? holding[0] : void 0;
}
var EXPRESSION = "";
var STATEMENT = "";
function templateLines(template, rendered) {
  const masked = template.replace(
    /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g,
    (tag) => tag.replace(/[^\n]+/g, tag.startsWith("{{") ? EXPRESSION : STATEMENT)
  );
  const matchers = masked.split("\n").map((line) => {
    const parts = line.replace(/\s+/g, "").split(/([\uE000\uE001])/);
    const literal = parts.filter((p) => p !== EXPRESSION && p !== STATEMENT).join("");
    const pattern = parts.map(
      (p) => p === EXPRESSION ? "[\\s\\S]*" : p === STATEMENT ? "" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    ).join("");
    const weight = literal.length > 0 ? 1 + literal.length : line.includes(EXPRESSION) ? 0.5 : 0.01;
    return { regex: new RegExp(`^${pattern}$`), weight };
  });
  const lines = rendered.split("\n").map((line) => line.replace(/\s+/g, ""));
  const columns = matchers.length;
  let best = new Float64Array(columns);
  const from = [];
  const matched = [];
  for (const text of lines) {
    const next = new Float64Array(columns);
    const at = new Int32Array(columns);
    const hit = new Uint8Array(columns);
    for (let j2 = 0; j2 < columns; j2++) {
      const matcher = matchers[j2];
      const isMatch = matcher.regex.test(text);
      const here = best[j2] + (isMatch ? matcher.weight : 0);
      if (j2 > 0 && next[j2 - 1] >= here) {
        next[j2] = next[j2 - 1];
        at[j2] = at[j2 - 1];
        hit[j2] = hit[j2 - 1];
      } else {
        next[j2] = here;
        at[j2] = j2;
        hit[j2] = isMatch ? 1 : 0;
      }
    }
    from.push(at);
    matched.push(hit);
    best = next;
  }
  const result = new Array(lines.length);
  let j = columns - 1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = from[i][j];
    result[i] = matched[i][j] ? line + 1 : void 0;
    j = line;
  }
  return result;
}

// src/validate/engine-parity.ts
function checkEngineParity(project, statements, diagnostics) {
  const summary3 = { check: "parity", passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const keys = new DeclaredKeys(project);
  for (const statement of statements) {
    if (statement.dialect !== "snowflake" || statement.kind === "test" || !statement.model) continue;
    const parsed = parse(statement.sql, Dialect.Snowflake);
    if (!parsed.success) {
      summary3.skipped += 1;
      continue;
    }
    const model = project.models.get(statement.model);
    const own = `${schemaOfModel(model)}.${model.name}`;
    const available = statement.reads.filter((relation2) => relation2 !== own).flatMap((r) => keys.of(r));
    const relation = statement.name.replace(/ \(.*\)$/, "");
    const findings = parsed.ast.flatMap((root) => [
      ...variantCasts(root),
      ...descWithoutNulls(root),
      ...partialOrders(root, available)
    ]).sort((a, b) => a.line - b.line);
    if (findings.length === 0) {
      summary3.passed += 1;
      continue;
    }
    summary3.failed += 1;
    const aligned = templateLines(statement.source.text, statement.sql);
    for (const finding of findings) {
      const line = sourceLine(statement, aligned, finding);
      const message = `${relation}: ${finding.message} (rule ${finding.rule})`;
      diagnostics.add(
        line === void 0 ? {
          check: "parity",
          severity: "error",
          file: statement.file,
          line: finding.line,
          message: `${message}; rendered from ${statement.source.file}`
        } : { check: "parity", severity: "error", file: statement.source.file, line, message }
      );
    }
  }
  return {
    ...summary3,
    note: "model statements for Snowflake: VARIANT casts, NULL order of desc, total order of row picks"
  };
}
function sourceLine(statement, aligned, finding) {
  const template = statement.source.text.split("\n");
  const line = aligned[finding.line - 1] ?? templateLine(statement.source.text, statement.sql, finding.line);
  if (!finding.key) return line;
  const quoted = (text) => text.includes(`'${finding.key}'`) || text.includes(`"${finding.key}"`);
  if (line !== void 0 && quoted(template[line - 1])) return line;
  const naming = template.flatMap((text, i) => quoted(text) ? [i + 1] : []);
  return naming.length === 1 ? naming[0] : line;
}
function kindOf(node) {
  if (!node || typeof node !== "object" || Array.isArray(node)) return void 0;
  const entries = Object.entries(node);
  if (entries.length !== 1) return void 0;
  const [kind, value] = entries[0];
  return [kind, value && typeof value === "object" ? value : {}];
}
function* nodes(value) {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
    return;
  }
  if (!value || typeof value !== "object") return;
  const node = kindOf(value);
  if (node) yield node;
  for (const [key, child] of Object.entries(value)) {
    if (key !== "span") yield* nodes(child);
  }
}
function lineOf(value) {
  if (Array.isArray(value)) {
    for (const item of value) {
      const line = lineOf(item);
      if (line !== void 0) return line;
    }
    return void 0;
  }
  if (!value || typeof value !== "object") return void 0;
  const span = value.span;
  if (span?.line !== void 0) return span.line;
  for (const [key, child] of Object.entries(value)) {
    if (key === "span") continue;
    const line = lineOf(child);
    if (line !== void 0) return line;
  }
  return void 0;
}
function columnName(value) {
  let node = kindOf(value);
  while (node && node[0] === "paren") node = kindOf(node[1].this);
  if (!node || node[0] !== "column") return void 0;
  const name = node[1].name?.name;
  return name?.toLowerCase();
}
function columnText(value) {
  const node = kindOf(value);
  if (!node || node[0] !== "column") return void 0;
  const name = node[1].name?.name;
  const table = node[1].table?.name;
  return name === void 0 ? void 0 : table ? `${table}.${name}` : name;
}
var SAFE_TARGETS = /* @__PURE__ */ new Set(["var_char", "varchar", "text", "string", "char", "variant"]);
var CONVERSIONS = /* @__PURE__ */ new Set([
  "to_number",
  "to_decimal",
  "to_numeric",
  "to_double",
  "to_boolean",
  "to_date",
  "to_time",
  "to_timestamp",
  "to_timestamp_ntz",
  "to_timestamp_ltz",
  "to_timestamp_tz"
]);
function variantPath(value, flattened) {
  let node = kindOf(value);
  while (node && node[0] === "paren") node = kindOf(node[1].this);
  if (!node) return void 0;
  const [kind, fields] = node;
  if (kind === "j_s_o_n_extract" && fields.variant_extract) {
    const base = variantPath(fields.this, flattened)?.text ?? columnText(fields.this) ?? "…";
    const path = String(kindOf(fields.expression)?.[1].value ?? "");
    const key = /^\["([^"]*)"\]$/.exec(path)?.[1] ?? (/^[A-Za-z_$][\w$]*$/.test(path) ? path : void 0);
    return { text: path.startsWith("[") ? `${base}:${path.slice(1, -1)}` : `${base}:${path}`, key };
  }
  if (kind === "subscript") {
    const base = variantPath(fields.this, flattened)?.text ?? columnText(fields.this) ?? "…";
    const index = kindOf(fields.index)?.[1];
    const shown2 = index?.literal_type === "string" ? `'${index.value}'` : index?.value ?? "…";
    return { text: `${base}[${shown2}]`, key: index?.literal_type === "string" ? index.value : void 0 };
  }
  if (kind === "function" && ["get", "get_path"].includes(String(fields.name).toLowerCase())) {
    const args = fields.args ?? [];
    const key = kindOf(args[1])?.[1].value;
    return { text: `${String(fields.name)}(${columnText(args[0]) ?? "…"}, '${key ?? "…"}')`, key };
  }
  if (kind === "column") {
    const table = fields.table?.name?.toLowerCase();
    const name = fields.name?.name?.toLowerCase();
    if (table && flattened.has(table) && (name === "value" || name === "this")) {
      return { text: `${table}.${name}` };
    }
  }
  return void 0;
}
function typeName(to) {
  const type = to ?? {};
  const name = (type.data_type === "custom" ? type.name : type.data_type) ?? "?";
  const words = { decimal: "number", var_char: "varchar", int: "int" };
  const shown2 = (words[name] ?? name).toUpperCase();
  return type.precision != null ? `${shown2}(${type.precision}, ${type.scale ?? 0})` : shown2;
}
var NUMERIC_TARGETS = /* @__PURE__ */ new Set([
  "decimal",
  "number",
  "numeric",
  "int",
  "integer",
  "bigint",
  "smallint",
  "tinyint",
  "float",
  "double",
  "real"
]);
function castableTo(typeName2) {
  if (["INTEGER", "DECIMAL", "DOUBLE"].includes(typeName2)) return "number";
  return typeName2 === "BOOLEAN" ? "boolean" : void 0;
}
function typeGuarded(root, flattened) {
  const guarded = /* @__PURE__ */ new Set();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "case") continue;
    const operand = kindOf(fields.operand);
    if (operand?.[0] !== "typeof") continue;
    const path = variantPath(operand[1].this, flattened)?.text;
    if (!path) continue;
    for (const when of fields.whens ?? []) {
      const literal = kindOf(when[0]);
      const allowed = literal?.[0] === "literal" ? castableTo(String(literal[1].value).toUpperCase()) : void 0;
      if (!allowed) continue;
      for (const [inner, cast] of nodes(when[1])) {
        if (inner !== "cast" || variantPath(cast.this, flattened)?.text !== path) continue;
        const to = cast.to ?? {};
        const target = to.data_type?.toLowerCase() ?? "";
        if (allowed === "number" ? NUMERIC_TARGETS.has(target) : target === "boolean") guarded.add(cast);
      }
    }
  }
  return guarded;
}
function tryForm(path, target) {
  const text = `${path}::varchar`;
  const type = target.replace(/^TO_/, "");
  if (/^(NUMBER|DECIMAL|NUMERIC|INT|INTEGER|BIGINT|SMALLINT)\b/.test(type)) {
    const scale = /\((\d+), (\d+)\)$/.exec(type);
    return scale ? `try_to_number(${text}, ${scale[1]}, ${scale[2]})` : `try_to_number(${text})`;
  }
  if (/^(FLOAT|DOUBLE|REAL)/.test(type)) return `try_to_double(${text})`;
  if (type === "BOOLEAN") return `try_to_boolean(${text})`;
  return `try_cast(${text} as ${type.toLowerCase()})`;
}
function variantCasts(root) {
  const flattened = /* @__PURE__ */ new Set();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "lateral") continue;
    const inner = kindOf(fields.this);
    if (inner?.[0] === "function" && String(inner[1].name).toLowerCase() === "flatten" && fields.alias) {
      flattened.add(String(fields.alias).toLowerCase());
    }
  }
  const guarded = typeGuarded(root, flattened);
  const findings = [];
  for (const [kind, fields] of nodes(root)) {
    if (guarded.has(fields)) continue;
    let path;
    let target;
    let tried = false;
    if (kind === "cast" || kind === "try_cast") {
      const to = fields.to;
      const name = (to?.data_type === "custom" ? to.name : to?.data_type)?.toLowerCase() ?? "";
      if (kind === "cast" && SAFE_TARGETS.has(name)) continue;
      path = variantPath(fields.this, flattened);
      target = typeName(to);
      tried = kind === "try_cast";
    } else if (CONVERSIONS.has(kind)) {
      path = variantPath(fields.this, flattened);
      target = kind.toUpperCase();
    } else if (kind === "function" && CONVERSIONS.has(String(fields.name).toLowerCase())) {
      path = variantPath((fields.args ?? [])[0], flattened);
      target = String(fields.name).toUpperCase();
    }
    if (!path || !target) continue;
    const line = lineOf(fields) ?? 1;
    const remedy = `convert its text with a TRY_ function, which gives NULL as DuckDB does: ${tryForm(path.text, target)} (Snowflake's TRY_ functions take text, not a VARIANT); in a model, read JSON fields with the json_field or record_field macro rather than casting them`;
    findings.push({
      rule: "variant-cast",
      line,
      key: path.key,
      message: tried ? `try_cast(${path.text} as ${target}) is refused by Snowflake, whose TRY_CAST takes text and not a VARIANT: ${remedy}` : `${target.startsWith("TO_") ? `${target}(${path.text})` : `${path.text}::${target}`} is a plain cast of a VARIANT path: on Snowflake one value that does not convert (text in a number field) fails the model and skips everything downstream, where DuckDB reads it as NULL; ${remedy}`
    });
  }
  return findings;
}
function* orderings(root) {
  for (const [kind, fields] of nodes(root)) {
    if (kind === "window_function") {
      const order = fields.over?.order_by;
      if (order?.length) yield order;
    } else if (kind === "select") {
      const order = fields.order_by?.expressions;
      if (order?.length) yield order;
    } else if (kind === "within_group") {
      const order = fields.order_by;
      if (Array.isArray(order) && order.length) yield order;
    }
    for (const value of Object.values(fields)) {
      if (Array.isArray(value) && value.length > 0 && value.every(isOrdered) && !isWindowOrSelect(kind)) {
        yield value;
      }
    }
  }
}
function isOrdered(value) {
  return !!value && typeof value === "object" && "this" in value && "desc" in value && "nulls_first" in value;
}
function isWindowOrSelect(kind) {
  return kind === "window_function" || kind === "select" || kind === "within_group" || kind === "over";
}
function orderText(item) {
  return `${columnText(item.this) ?? "…"} desc`;
}
function descWithoutNulls(root) {
  const findings = [];
  const seen = /* @__PURE__ */ new Set();
  for (const order of orderings(root)) {
    if (seen.has(order)) continue;
    seen.add(order);
    const open = order.filter((item) => item.desc === true && (item.nulls_first ?? null) === null);
    if (open.length === 0) continue;
    findings.push({
      rule: "desc-nulls",
      line: lineOf(open[0].this) ?? lineOf(order) ?? 1,
      message: `${open.map(orderText).join(", ")} without NULLS FIRST or NULLS LAST: DuckDB puts NULLs last in both directions, Snowflake takes NULL as the largest value and puts it first in a descending order, so the engines order (and pick) rows differently when the column holds NULL; write \`desc nulls last\` (what DuckDB does now) or \`desc nulls first\`. Ascending orders need nothing: both engines put NULLs last`
    });
  }
  return findings;
}
var PICKING_WINDOWS = /* @__PURE__ */ new Set(["first_value", "last_value", "nth_value"]);
var PICKING_AGGREGATES = /* @__PURE__ */ new Set(["max_by", "min_by", "arg_max", "arg_min"]);
function orderingColumn(value) {
  const direct = columnName(value) ?? keyedTextColumn(value);
  if (direct) return direct;
  const node = kindOf(value);
  if (node?.[0] === "if_func") {
    const isNull = (v) => v === null || v === void 0 || kindOf(v)?.[0] === "null";
    if (isNull(node[1].true_value)) return orderingColumn(node[1].false_value);
    if (isNull(node[1].false_value)) return orderingColumn(node[1].true_value);
  }
  return void 0;
}
var FIXED_WIDTH_FORMATS = /* @__PURE__ */ new Map([[SNOWFLAKE_TIME_TEXT_FORMAT, OLDEST_TIME_TEXT.length]]);
function keyedTextColumn(value) {
  const parts = [];
  const flatten = (v) => {
    const node = kindOf(v);
    if (node?.[0] === "concat") {
      flatten(node[1].left);
      flatten(node[1].right);
    } else if (kindOf(emptyIfNull(v))?.[0] === "concat") {
      flatten(emptyIfNull(v));
    } else {
      parts.push(v);
    }
  };
  if (kindOf(value)?.[0] !== "concat" && kindOf(value)?.[0] !== "coalesce") return void 0;
  flatten(value);
  if (parts.length < 2) return void 0;
  const last = parts.pop();
  const column = columnName(last) ?? columnName(emptyIfNull(last));
  return column && parts.every(isFixedWidth) ? column : void 0;
}
function coalescedWithText(value) {
  const node = kindOf(value);
  if (node?.[0] !== "coalesce") return void 0;
  const [inner, fallback] = node[1].expressions ?? [];
  const text = literalText(fallback, "string");
  return text === void 0 ? void 0 : { inner, text };
}
function emptyIfNull(value) {
  const coalesced = coalescedWithText(value);
  return coalesced?.text === "" ? coalesced.inner : void 0;
}
function literalText(value, type) {
  const node = kindOf(value);
  return node?.[0] === "literal" && node[1].literal_type === type ? String(node[1].value) : void 0;
}
function isFixedWidth(value) {
  const coalesced = coalescedWithText(value);
  const call = kindOf(coalesced?.inner);
  if (!coalesced || call?.[0] !== "function") return false;
  const width = coalesced.text.length;
  const name = String(call[1].name).toLowerCase();
  const args = call[1].args ?? [];
  if (name === "to_char" && args.length === 2) {
    return FIXED_WIDTH_FORMATS.get(literalText(args[1], "string") ?? "") === width;
  }
  if (name === "lpad" && args.length === 3) {
    return Number(literalText(args[1], "number")) === width && literalText(args[2], "string")?.length === 1;
  }
  return false;
}
function isTotal(partition, order, keys) {
  return keys.some((key) => [...key.columns].every((c) => partition.has(c) || order.has(c)));
}
function windowParts(fields) {
  const over = fields.over ?? {};
  const partition = new Set((over.partition_by ?? []).flatMap((p) => columnName(p) ?? []));
  const orderItems = over.order_by ?? [];
  const order = new Set(orderItems.flatMap((o) => columnName(o.this) ?? []));
  return { partition, order, orderItems };
}
function windowFunction(fields) {
  return kindOf(fields.this)?.[0];
}
function comparedWithOne(kind, fields) {
  const number = (v) => Number(literalText(v, "number") ?? NaN);
  const { left, right } = fields;
  if (kind === "eq") return number(right) === 1 ? left : number(left) === 1 ? right : void 0;
  if (kind === "lte") return number(right) === 1 ? left : void 0;
  if (kind === "lt") return number(right) === 2 ? left : void 0;
  if (kind === "gte") return number(left) === 1 ? right : void 0;
  return void 0;
}
function* windowsIn(value) {
  for (const [kind, fields] of nodes(value)) {
    if (kind === "window_function") yield fields;
  }
}
function keyList(keys) {
  const labels = [...new Set(keys.map((k) => k.label))];
  if (labels.length === 0) return "none is declared for what this model reads";
  return labels.length <= 4 ? labels.join(", ") : `${labels.slice(0, 4).join(", ")} and ${labels.length - 4} more`;
}
var TOTAL = "An order is total here when its columns, with the PARTITION BY (or GROUP BY) columns, hold every column of a unique key the project declares for a relation the model reads (a `unique` or `unique_combination_of_columns` test in its yml, or its unique_key config), or of a row number computed in the model over such an order";
function partialOrders(root, declared) {
  const findings = [];
  const keys = [...declared];
  const pickedNames = /* @__PURE__ */ new Set();
  const pickedWindows = /* @__PURE__ */ new Set();
  for (const [kind, fields] of nodes(root)) {
    const compared = comparedWithOne(kind, fields);
    if (compared === void 0) continue;
    const name = columnName(compared);
    if (name) pickedNames.add(name);
    for (const window2 of windowsIn(compared)) pickedWindows.add(window2);
  }
  const named2 = /* @__PURE__ */ new Map();
  for (const [kind, fields] of nodes(root)) {
    if (kind !== "alias") continue;
    const alias = fields.alias?.name?.toLowerCase();
    if (!alias) continue;
    for (const window2 of windowsIn(fields.this)) named2.set(window2, alias);
    const column = keyedTextColumn(fields.this);
    if (column && keys.some((k) => k.columns.size === 1 && k.columns.has(column)))
      keys.push({ columns: /* @__PURE__ */ new Set([alias]), label: `${alias} (a text ending with ${column})` });
  }
  const rowNumbers = [...named2].filter(([window2]) => windowFunction(window2) === "row_number");
  let grown = true;
  while (grown) {
    grown = false;
    for (const [window2, alias] of rowNumbers) {
      const { partition, order } = windowParts(window2);
      if (!isTotal(partition, order, keys)) continue;
      const columns = /* @__PURE__ */ new Set([...partition, alias]);
      if (keys.some((k) => [...k.columns].every((c) => columns.has(c)) && k.columns.size === columns.size))
        continue;
      keys.push({ columns, label: `${alias} (a row number over a total order)` });
      grown = true;
    }
  }
  for (const [kind, fields] of nodes(root)) {
    if (kind === "window_function") {
      const fn = windowFunction(fields);
      const picks = fn !== void 0 && PICKING_WINDOWS.has(fn) || fn === "row_number" && (pickedWindows.has(fields) || pickedNames.has(named2.get(fields) ?? ""));
      if (!picks) continue;
      const { partition, order, orderItems } = windowParts(fields);
      if (isTotal(partition, order, keys)) continue;
      const shown2 = orderItems.map((o) => columnText(o.this) ?? "…").join(", ") || "nothing";
      const how = fn === "row_number" ? `row_number() compared with 1 picks one row per partition` : `${fn}() takes its value from one row per partition`;
      findings.push({
        rule: "total-order",
        line: lineOf(orderItems) ?? lineOf(fields) ?? 1,
        message: `${how} ordered by ${shown2}${partition.size ? ` within ${[...partition].join(", ")}` : ""}, which is not a total order: rows that tie are picked differently by DuckDB and Snowflake, and by Snowflake from run to run (so an incremental run and a full refresh can disagree). ${TOTAL}; declared here: ${keyList(declared)}. End the ORDER BY with such a key`
      });
    } else if (kind === "aggregate_function" && PICKING_AGGREGATES.has(String(fields.name).toLowerCase())) {
      const args = fields.args ?? [];
      const column = orderingColumn(args[1]);
      const groupBy = groupColumns(root, fields);
      if (column && isTotal(groupBy, /* @__PURE__ */ new Set([column]), keys)) continue;
      findings.push({
        rule: "total-order",
        line: lineOf(args) ?? 1,
        message: `${String(fields.name)}(${columnText(args[0]) ?? "…"}, …) picks the row with the ${String(fields.name).startsWith("min") || String(fields.name) === "arg_min" ? "least" : "greatest"} ${column ?? "ordering expression"}${groupBy.size ? ` in each group of ${[...groupBy].join(", ")}` : ""}, and rows can tie: DuckDB and Snowflake may pick different rows, and Snowflake may pick differently from run to run. ${TOTAL}; declared here: ${keyList(declared)}. Pick the row with row_number() over (partition by … order by …, <a unique key>) = 1 instead, or order by a unique column`
      });
    }
  }
  return findings;
}
function groupColumns(root, aggregate) {
  let found;
  const visit = (value, group) => {
    if (found) return;
    if (value === aggregate) {
      found = group;
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, group);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = kindOf(value);
    let inner = group;
    if (node?.[0] === "select") {
      const expressions = node[1].group_by?.expressions ?? [];
      inner = new Set(expressions.flatMap((e) => columnName(e) ?? []));
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== "span") visit(child, inner);
    }
  };
  visit(root, /* @__PURE__ */ new Set());
  return found ?? /* @__PURE__ */ new Set();
}
var DeclaredKeys = class {
  constructor(project) {
    this.project = project;
  }
  project;
  byRelation = /* @__PURE__ */ new Map();
  of(relation) {
    const cached = this.byRelation.get(relation);
    if (cached) return cached;
    const keys = this.read(relation);
    this.byRelation.set(relation, keys);
    return keys;
  }
  read(relation) {
    const fromTests = (tests) => tests.flatMap(
      (test) => test.kind === "unique" && test.column ? [[test.column]] : test.kind === "unique_combination_of_columns" && test.columns ? [test.columns] : []
    );
    const key = (columns) => ({
      columns: new Set(columns.map((c) => c.toLowerCase())),
      label: `${relation} (${columns.join(", ")})`
    });
    for (const model of this.project.models.values()) {
      if (`${schemaOfModel(model)}.${model.name}` !== relation) continue;
      const declared = fromTests(model.tests);
      try {
        const unique = compileModel(this.project, model, { dialect: "snowflake" }).config.uniqueKey;
        if (unique.length > 0) declared.push(unique);
      } catch {
      }
      return declared.map(key);
    }
    for (const source of this.project.sources.values()) {
      if (`${source.schema}.${source.identifier}` === relation) return fromTests(source.tests).map(key);
    }
    return [];
  }
};

// src/validate/polyglot-check.ts
function tablesCreatedBy(statements) {
  const tables = [];
  for (const sql of statements) {
    const parsed = parse(sql, Dialect.Snowflake);
    if (!parsed.success) continue;
    for (const statement of parsed.ast) {
      const create = statement.create_table;
      const name = create?.name?.name?.name;
      if (!create || !name) continue;
      tables.push({
        name,
        schema: create.name?.schema?.name ?? void 0,
        columns: (create.columns ?? []).flatMap(
          (column) => column.name?.name ? [
            {
              name: column.name.name,
              type: column.data_type?.name ?? column.data_type?.data_type ?? "unknown"
            }
          ] : []
        )
      });
    }
  }
  return tables;
}
function tableFromColumns(relation, columns) {
  const [schema, name] = relation.split(".");
  return {
    schema,
    name,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type.toUpperCase() === "JSON" ? "VARIANT" : c.type
    }))
  };
}
function checkWithPolyglot(statements, schema, diagnostics) {
  const summary3 = { check: "polyglot", passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const known = new Set(schema?.tables.map((t) => `${t.schema ?? ""}.${t.name}`.toLowerCase()) ?? []);
  let syntaxOnly = 0;
  for (const statement of statements) {
    const parsed = parse(statement.sql, Dialect.Snowflake);
    if (!parsed.success) {
      summary3.failed += 1;
      report(statement, diagnostics, {
        severity: "error",
        message: parsed.error,
        code: "parse",
        line: parsed.errorLine,
        start: parsed.errorStart,
        end: parsed.errorEnd
      });
      continue;
    }
    const kinds = parsed.ast.map((node) => Object.keys(node)[0]);
    if (kinds.length > 0 && kinds.every((kind) => kind === "raw")) {
      summary3.skipped += 1;
      diagnostics.add({
        check: "polyglot",
        severity: "note",
        file: statement.file,
        line: statement.line,
        message: `${statement.name}: polyglot keeps this statement as raw text and cannot check inside it (sqlfluff and snapshot tests do)`
      });
      continue;
    }
    const checkable = schema !== void 0 && (statement.reads ?? []).every((relation) => known.has(relation.toLowerCase()));
    if (!checkable) syntaxOnly += 1;
    const result = checkable ? validateWithSchema(statement.sql, schema, "snowflake") : validate(statement.sql, "snowflake");
    const errors = result.errors.filter((e) => e.severity === "error");
    const warnings = result.errors.filter((e) => e.severity === "warning");
    for (const finding of [...errors, ...warnings]) {
      report(statement, diagnostics, finding);
    }
    if (errors.length > 0) summary3.failed += 1;
    else summary3.passed += 1;
    summary3.warnings += warnings.length;
  }
  const note = schema === void 0 ? "syntax only: no schema without the sample run" : syntaxOnly > 0 ? `${syntaxOnly} statement(s) checked for syntax only: the schema lacks a relation they read` : "statements, names checked against the schema";
  return { ...summary3, note };
}
function report(statement, diagnostics, finding) {
  const compiledLine = statement.line + (finding.line ?? 1) - 1;
  const compiledAt = `${statement.file}:${compiledLine}`;
  const word = finding.start === void 0 || finding.end === void 0 ? void 0 : Array.from(statement.sql).slice(finding.start, finding.end).join("").trim();
  const sourceLine2 = statement.source ? templateLine(statement.source.text, statement.sql, finding.line ?? 1, word) : void 0;
  const message = `${statement.name}: ${finding.message.replace(/\s+/g, " ")} (polyglot ${finding.code}`;
  if (statement.source && sourceLine2 !== void 0) {
    diagnostics.add({
      check: "polyglot",
      severity: finding.severity,
      file: statement.source.file,
      line: sourceLine2,
      message: `${message}, rendered at ${compiledAt})`
    });
  } else {
    diagnostics.add({
      check: "polyglot",
      severity: finding.severity,
      file: statement.file,
      line: compiledLine,
      message: statement.source ? `${message}; rendered from ${statement.source.file})` : `${message})`
    });
  }
}

// src/validate/sample-run.ts
import { mkdtemp as mkdtemp3, readFile as readFile2, rm as rm3 } from "node:fs/promises";
import { tmpdir as tmpdir3 } from "node:os";
import { join as join4 } from "node:path";

// src/amplitude/simulator/server.ts
var import_yazl = __toESM(require_yazl(), 1);
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp as mkdtemp2, rm as rm2, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join3 } from "node:path";
import { Readable as Readable2, Transform, Writable } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
import { createGzip as createGzip2 } from "node:zlib";

// src/amplitude/simulator/objects.ts
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";

// src/amplitude/simulator/random.ts
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = state + 1831565813 >>> 0;
    let t = state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function mixSeed(...parts) {
  let h = 2166136261;
  for (const part of parts) {
    h = Math.imul(h ^ part & 65535, 16777619);
    h = Math.imul(h ^ Math.floor(part / 65536) & 65535, 16777619);
    h = Math.imul(h ^ Math.floor(part / 4294967296), 16777619);
  }
  return h >>> 0;
}
function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}
function intBetween(random, min, max) {
  return min + Math.floor(random() * (max - min + 1));
}
function uuidFrom(random) {
  let hex = "";
  for (let i = 0; i < 4; i++)
    hex += Math.floor(random() * 4294967296).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// src/amplitude/simulator/traffic.ts
var DEFAULT_TRAFFIC = {
  appId: 187520,
  seed: 42,
  eventsPerHour: 250,
  quietHours: [3],
  duplicateRate: 0.01,
  eventsPerMember: 2e4,
  users: 400
};
var EVENT_TYPES = [
  "session_start",
  "[Amplitude] Page Viewed",
  "[Amplitude] Element Clicked",
  "[Amplitude] Element Changed",
  "[Amplitude] Form Started",
  "[Amplitude] Form Submitted",
  "[Amplitude] File Downloaded",
  "video_loaded",
  "video_started",
  "video_paused",
  "video_finished",
  "Activate Modal Search",
  "Data Skills Video"
];
var PAGES = [
  ["Home | The Data School", "/"],
  ["Courses | The Data School", "/courses"],
  ["SQL for Analysts | The Data School", "/courses/sql-for-analysts"],
  ["Intro to Snowflake | The Data School", "/courses/intro-to-snowflake"],
  ["dbt Fundamentals | The Data School", "/courses/dbt-fundamentals"],
  ["Python for Data | The Data School", "/courses/python-for-data"],
  ["Tableau Essentials | The Data School", "/courses/tableau-essentials"],
  ["Blog | The Data School", "/blog"],
  ["Window Functions Explained | The Data School", "/blog/window-functions-explained"],
  ["Apply | The Data School", "/apply"],
  ["Contact | The Data School", "/contact"],
  ["Downloads | The Data School", "/downloads"]
];
var COMPANY_DOMAINS = [
  "acme-analytics.com",
  "northwind.co.uk",
  "globex.io",
  "initech.com",
  "umbrella-data.de"
];
var COMPANY_PROFILES = {
  "acme-analytics.com": { industry: "Software", employees: "51-200" },
  "northwind.co.uk": { industry: "Retail", employees: "201-500" },
  "globex.io": { industry: "Energy", employees: "1001-5000" },
  "initech.com": { industry: "Financial Services", employees: "501-1000" },
  "umbrella-data.de": { industry: "Healthcare", employees: "11-50" }
};
var FREE_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"];
var FIRST_NAMES = [
  "alex",
  "sam",
  "jo",
  "priya",
  "li",
  "maria",
  "tom",
  "fatima",
  "noah",
  "emma",
  "omar",
  "zoe"
];
var LAST_NAMES = [
  "smith",
  "patel",
  "jones",
  "nguyen",
  "garcia",
  "brown",
  "kowalski",
  "okafor",
  "muller",
  "rossi"
];
var PLACES = [
  { city: "London", region: "England", country: "United Kingdom", lat: 51.5072, lng: -0.1276, dma: null },
  { city: "Manchester", region: "England", country: "United Kingdom", lat: 53.4808, lng: -2.2426, dma: null },
  { city: "Berlin", region: "Land Berlin", country: "Germany", lat: 52.52, lng: 13.405, dma: null },
  {
    city: "New York",
    region: "New York",
    country: "United States",
    lat: 40.7128,
    lng: -74.006,
    dma: "New York, NY"
  },
  { city: "Dublin", region: "Leinster", country: "Ireland", lat: 53.3498, lng: -6.2603, dma: null },
  { city: "Paris", region: "Ile-de-France", country: "France", lat: 48.8566, lng: 2.3522, dma: null }
];
var OFFICE_PLACES = [0, 1, 3, 4, 2];
var DEVICES = [
  { family: "Windows", type: "Windows", os: "Chrome", version: "131", platform: "Web", mobile: false },
  { family: "Mac OS X", type: "Mac", os: "Safari", version: "18.1", platform: "Web", mobile: false },
  { family: "Mac OS X", type: "Mac", os: "Chrome", version: "131", platform: "Web", mobile: false },
  { family: "Linux", type: "Linux", os: "Firefox", version: "132", platform: "Web", mobile: false },
  {
    family: "iOS",
    type: "Apple iPhone",
    os: "Mobile Safari",
    version: "18.1",
    platform: "Web",
    mobile: true
  },
  { family: "Android", type: "Android", os: "Chrome Mobile", version: "131", platform: "Web", mobile: true }
];
var COMPUTERS = DEVICES.filter((d) => !d.mobile);
var PHONES = DEVICES.filter((d) => d.mobile);
var CARRIER_PREFIXES = [31, 46, 82, 176, 188];
var OLDER_SDK = { library: "amplitude-js/8.21.9", everyNthUser: 10 };
var usesOlderSdk = (user) => user.index % OLDER_SDK.everyNthUser === OLDER_SDK.everyNthUser - 1;
var REFERRERS = [
  "https://www.google.com/",
  "https://www.linkedin.com/",
  "$direct",
  "https://duckduckgo.com/"
];
var DAILY_CURVE = [
  0.15,
  0.1,
  0.08,
  0.06,
  0.08,
  0.15,
  0.35,
  0.6,
  0.85,
  1,
  1,
  0.95,
  0.9,
  0.95,
  1,
  1,
  0.9,
  0.75,
  0.6,
  0.5,
  0.45,
  0.4,
  0.3,
  0.2
];
var SESSION = {
  /** Share of page views that go back to the page before the current one (A → B → A). */
  backShare: 0.08,
  /** Share of started forms that are submitted; the rest are abandoned. */
  submitShare: 0.75,
  /** A session ends this long after the start of its hour at the latest, so it spills into one hour only. */
  maxSpanMs: 105 * 6e4
};
var FORMS = [
  { id: "apply-form", name: "Application", page: 9 },
  { id: "contact-form", name: "Contact", page: 10 }
];
var ENTRY_PAGES = [0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8];
function makeUsers(options) {
  const random = seededRandom(mixSeed(options.seed, options.appId, 1));
  const more = seededRandom(mixSeed(options.seed, options.appId, 2));
  const offices = COMPANY_DOMAINS.map((_, i) => ({
    ip: `81.2.${70 + i}.${intBetween(random, 2, 250)}`,
    place: PLACES[OFFICE_PLACES[i]]
  }));
  return Array.from({ length: options.users }, (_, index) => {
    const companyIndex = random() < 0.45 ? Math.floor(random() * COMPANY_DOMAINS.length) : -1;
    const known = random() < 0.7;
    const name = `${pick(random, FIRST_NAMES)}.${pick(random, LAST_NAMES)}${index}`;
    const personalMail = companyIndex < 0 || more() < 0.25;
    const domain = personalMail ? pick(random, FREE_DOMAINS) : COMPANY_DOMAINS[companyIndex];
    const email = known ? `${name}@${domain}` : null;
    const homeIp = `${intBetween(random, 2, 220)}.${intBetween(random, 0, 255)}.${intBetween(random, 0, 255)}.${intBetween(random, 1, 254)}`;
    const first = pick(more, DEVICES);
    const devices = [{ id: uuidFrom(random), profile: first }];
    if (more() < 0.45)
      devices.push({ id: uuidFrom(more), profile: pick(more, first.mobile ? COMPUTERS : PHONES) });
    if (devices.length === 2 && more() < 0.25)
      devices.push({ id: uuidFrom(more), profile: pick(more, COMPUTERS) });
    return {
      index,
      amplitudeId: 5e11 + index * 7919,
      deviceId: devices[0].id,
      devices,
      email,
      company: email !== null && !personalMail ? domain : null,
      employer: companyIndex >= 0 ? COMPANY_DOMAINS[companyIndex] : null,
      identifyRate: 0.3 + random() * 0.6,
      place: pick(random, PLACES),
      ip: homeIp,
      office: companyIndex >= 0 ? offices[companyIndex] : null,
      createdAt: Date.UTC(2024, 0, 1) + Math.floor(random() * 600) * 864e5,
      referrer: pick(random, REFERRERS)
    };
  });
}
function groupsOf(user) {
  return user.company !== null ? { company: [user.company] } : {};
}
var SEATS_PERIOD_MS = 6 * 36e5;
var SEATS_STEPS = 5;
function groupPropertiesOf(user, time, eventId) {
  if (user.company === null || eventId !== void 0 && eventId % 5 === 0) return {};
  const profile = COMPANY_PROFILES[user.company];
  const seats = 10 * (1 + Math.floor(time / SEATS_PERIOD_MS) % SEATS_STEPS);
  return { company: { [user.company]: { ...profile, licensed_seats: seats } } };
}
function eventCountForHour(hour, options) {
  const hourOfDay = hourToDate(hour).getUTCHours();
  if (options.quietHours.includes(hourOfDay)) return 0;
  return Math.max(1, Math.round(options.eventsPerHour * DAILY_CURVE[hourOfDay]));
}
var HOUR_MS = 36e5;
function* eventsForHour(hour, options, users) {
  if (eventCountForHour(hour, options) === 0) return;
  const hourStart = hour * HOUR_MS;
  const inHour = (event) => {
    const uploaded = Date.parse(event.server_upload_time.replace(" ", "T") + "Z");
    return uploaded >= hourStart && uploaded < hourStart + HOUR_MS;
  };
  for (const started of [hour - 1, hour]) {
    for (const event of sessionsStartedInCached(started, options, users)) if (inHour(event)) yield event;
  }
}
var generated = /* @__PURE__ */ new WeakMap();
var CACHED_EVENTS_AT_MOST = 5e3;
function sessionsStartedInCached(hour, options, users) {
  if (eventCountForHour(hour, options) > CACHED_EVENTS_AT_MOST)
    return sessionsStartedIn(hour, options, users);
  let cache = generated.get(users);
  if (!cache) generated.set(users, cache = /* @__PURE__ */ new Map());
  const key = `${hour} ${JSON.stringify(options)}`;
  let events = cache.get(key);
  if (!events) {
    events = [...sessionsStartedIn(hour, options, users)];
    cache.set(key, events);
    for (const old of cache.keys()) if (cache.size > 2) cache.delete(old);
  }
  return events;
}
function* sessionsStartedIn(hour, options, users) {
  const target = eventCountForHour(hour, options);
  if (target === 0) return;
  const random = seededRandom(mixSeed(options.seed, options.appId, hour));
  const hourStart = hour * HOUR_MS;
  const sessionEnd = eventCountForHour(hour + 1, options) === 0 ? hourStart + HOUR_MS - 1e4 : hourStart + SESSION.maxSpanMs;
  const redeliveries = [];
  let produced = 0;
  while (produced < target) {
    const user = users[Math.floor(random() ** 1.6 * users.length)];
    let time = hourStart + Math.floor(random() * HOUR_MS);
    const sessionId = time;
    let eventId = Math.floor((hourStart - Date.UTC(2024, 0, 1)) / 6e4) + user.index * 13;
    let pageCounter = 0;
    const identified = user.email !== null && random() < user.identifyRate;
    const device = sessionDevice(user, random);
    const network = sessionNetwork(user, device, sessionId, options, random);
    const ctx = { user, device, network, sessionId, identified, options, random };
    const plan = sessionPlan(random, Math.min(target - produced, intBetween(random, 4, 30)));
    for (const step of plan) {
      time += step.type === "[Amplitude] Page Viewed" ? intBetween(random, 5e3, 9e4) : intBetween(random, 800, 45e3);
      if (time > sessionEnd) break;
      eventId += 1;
      if (step.type === "[Amplitude] Page Viewed") pageCounter += 1;
      const event = buildEvent(ctx, step, time, eventId, pageCounter);
      yield event;
      produced += 1;
      if (step.type === "[Amplitude] Element Clicked" && (user.index + eventId) % RAGE_BURST.every === 0) {
        for (let n = 1; n < RAGE_BURST.clicks; n++) {
          eventId += 1;
          yield rageClick(event, n, eventId);
        }
      }
      if (step.type === "[Amplitude] Element Clicked" && random() < 0.01) {
        yield buildEvent(ctx, step, time + 400, eventId, pageCounter);
        produced += 1;
      }
      if (random() < options.duplicateRate) redeliveries.push(event);
    }
  }
  for (const original of redeliveries) {
    const processed = Date.parse(original.server_upload_time + "Z") + intBetween(random, 6e4, 6e5);
    yield {
      ...original,
      processed_time: amplitudeTime(processed),
      server_upload_time: amplitudeTime(processed - 500),
      // A re-delivery can carry what the first delivery lacked, here the user's email.
      user_id: original.user_id ?? original.user_properties.email ?? null
    };
  }
}
var RAGE_BURST = { every: 61, clicks: 4, gapMs: 600 };
function rageClick(first, n, eventId) {
  const shift = (field) => amplitudeTime(Date.parse(String(first[field]) + "Z") + n * RAGE_BURST.gapMs);
  const derived = (id) => `${String(id).slice(0, -4)}${(64206 + n).toString(16).slice(-4)}`;
  return {
    ...first,
    $insert_id: derived(first.$insert_id),
    uuid: derived(first.uuid),
    event_id: eventId,
    event_time: shift("event_time"),
    client_event_time: shift("client_event_time"),
    client_upload_time: shift("client_upload_time"),
    server_received_time: shift("server_received_time"),
    server_upload_time: shift("server_upload_time"),
    processed_time: shift("processed_time")
  };
}
function sessionDevice(user, random) {
  const r = random();
  if (r < 0.6 || user.devices.length === 1) return user.devices[0];
  return r < 0.85 || user.devices.length === 2 ? user.devices[1] : user.devices[2];
}
function sessionNetwork(user, device, start, options, random) {
  const onCarrier = random() < 0.5;
  const atOffice = random() < 0.8;
  if (device.profile.mobile && onCarrier) {
    const day = Math.floor(start / 864e5);
    const carrier = seededRandom(mixSeed(options.seed, options.appId, 3, user.index, day));
    return {
      ip: `${pick(carrier, CARRIER_PREFIXES)}.${intBetween(carrier, 0, 255)}.${intBetween(carrier, 0, 255)}.${intBetween(carrier, 1, 254)}`,
      place: user.place
    };
  }
  const date = new Date(start);
  const workingTime = date.getUTCDay() >= 1 && date.getUTCDay() <= 5 && date.getUTCHours() >= 7 && date.getUTCHours() < 18;
  if (user.office && workingTime && atOffice) return user.office;
  return { ip: user.ip, place: user.place };
}
function sessionPlan(random, length) {
  const entry = pick(random, ENTRY_PAGES);
  const steps = [
    { type: "session_start", page: entry },
    { type: "[Amplitude] Page Viewed", page: entry }
  ];
  const visited = [entry];
  let page = entry;
  let formDone = false;
  const view = (next) => {
    page = next;
    visited.push(next);
    steps.push({ type: "[Amplitude] Page Viewed", page });
  };
  while (steps.length < length) {
    const r = random();
    const on = (type) => steps.push({ type, page });
    if (r < 0.3) {
      const before = visited.length >= 2 ? visited[visited.length - 2] : page;
      if (before !== page && random() < SESSION.backShare) view(before);
      else {
        const unseen = PAGES.map((_, i) => i).filter((i) => !visited.includes(i));
        view(
          unseen.length > 0 && random() < 0.85 ? pick(random, unseen) : (page + intBetween(random, 1, PAGES.length - 1)) % PAGES.length
        );
      }
    } else if (r < 0.5) on("[Amplitude] Element Clicked");
    else if (r < 0.55) on("[Amplitude] Element Changed");
    else if (r < 0.62) steps.push({ type: "video_loaded", page }, { type: "video_started", page });
    else if (r < 0.67) on("video_paused");
    else if (r < 0.72) on("video_finished");
    else if (r < 0.74 && !formDone) {
      formDone = true;
      const form = random() < 0.7 ? FORMS[0] : FORMS[1];
      if (page !== form.page) view(form.page);
      steps.push({ type: "[Amplitude] Form Started", page, form });
      for (let i = intBetween(random, 1, 3); i > 0; i--) on("[Amplitude] Element Changed");
      if (random() < SESSION.submitShare) steps.push({ type: "[Amplitude] Form Submitted", page, form });
    } else if (r < 0.8) on("[Amplitude] Element Clicked");
    else if (r < 0.85) on("[Amplitude] File Downloaded");
    else if (r < 0.93) on("Activate Modal Search");
    else on("Data Skills Video");
  }
  return steps;
}
function buildEvent(ctx, step, time, eventId, pageCounter) {
  const { user, device, network, random, options } = ctx;
  const type = step.type;
  const page = PAGES[step.page];
  const uploaded = time + intBetween(random, 200, 4e3);
  const clientTime = time - intBetween(random, 0, 300);
  const email = ctx.identified ? user.email : null;
  const eventIdSent = type === "[Amplitude] Page Viewed" && pageCounter % 7 === 0 ? void 0 : eventId;
  return {
    $insert_id: uuidFrom(random),
    $insert_key: null,
    $schema: null,
    adid: null,
    amplitude_attribution_ids: null,
    amplitude_event_type: null,
    amplitude_id: user.amplitudeId,
    app: options.appId,
    city: network.place.city,
    client_event_time: amplitudeTime(clientTime),
    client_upload_time: amplitudeTime(uploaded - 100),
    country: network.place.country,
    data: {
      group_first_event: {},
      group_ids: {},
      path: "/2/httpapi",
      user_properties_updated: pageCounter === 1
    },
    data_type: "event",
    device_brand: null,
    device_carrier: null,
    device_family: device.profile.family,
    device_id: device.id,
    device_manufacturer: null,
    device_model: device.profile.type === "Mac" ? "Mac" : null,
    device_type: device.profile.type,
    dma: network.place.dma,
    event_id: eventIdSent,
    event_properties: withoutPagePathFor(user, eventProperties(step, page, pageCounter, random)),
    event_time: amplitudeTime(time),
    event_type: type,
    global_user_properties: {},
    group_properties: groupPropertiesOf(user, time, eventIdSent),
    groups: groupsOf(user),
    idfa: null,
    ip_address: network.ip,
    is_attribution_event: false,
    language: "English",
    library: usesOlderSdk(user) ? OLDER_SDK.library : "amplitude-ts/2.11.8",
    location_lat: network.place.lat,
    location_lng: network.place.lng,
    os_name: device.profile.os,
    os_version: device.profile.version,
    partner_id: null,
    paying: null,
    plan: {},
    platform: device.profile.platform,
    processed_time: amplitudeTime(uploaded + intBetween(random, 100, 2e3)),
    region: network.place.region,
    sample_rate: null,
    server_received_time: amplitudeTime(uploaded - 50),
    server_upload_time: amplitudeTime(uploaded),
    session_id: type === "Data Skills Video" && random() < 0.2 ? -1 : ctx.sessionId,
    source_id: null,
    start_version: null,
    user_creation_time: amplitudeTime(user.createdAt),
    user_id: email,
    user_properties: {
      ...email ? { email } : {},
      initial_dclid: "EMPTY",
      initial_fbclid: "EMPTY",
      initial_gbraid: "EMPTY",
      initial_gclid: "EMPTY",
      initial_ko_click_id: "EMPTY",
      initial_li_fat_id: "EMPTY",
      initial_msclkid: "EMPTY",
      initial_referrer: user.referrer,
      initial_referring_domain: user.referrer === "$direct" ? "$direct" : new URL(user.referrer).hostname,
      initial_rtd_cid: "EMPTY",
      initial_ttclid: "EMPTY",
      initial_twclid: "EMPTY",
      initial_utm_campaign: "EMPTY",
      initial_utm_content: "EMPTY",
      initial_utm_id: "EMPTY",
      initial_utm_medium: "EMPTY",
      initial_utm_source: "EMPTY",
      initial_utm_term: "EMPTY",
      initial_wbraid: "EMPTY",
      referrer: user.referrer,
      referring_domain: user.referrer === "$direct" ? "$direct" : new URL(user.referrer).hostname
    },
    uuid: uuidFrom(random),
    version_name: null
  };
}
function eventProperties(step, page, pageCounter, random) {
  const [title, path] = page;
  const pageProps = {
    // Hand-made tracking sends the counter as text now and then: the models read both alike.
    "[Amplitude] Page Counter": pageCounter % 5 === 0 ? String(pageCounter) : pageCounter,
    "[Amplitude] Page Domain": "www.thedataschool.co.uk",
    "[Amplitude] Page Location": `https://www.thedataschool.co.uk${path}`,
    "[Amplitude] Page Path": path,
    "[Amplitude] Page Title": title,
    "[Amplitude] Page URL": `https://www.thedataschool.co.uk${path}`
  };
  switch (step.type) {
    case "[Amplitude] Page Viewed":
      return pageProps;
    case "[Amplitude] Element Clicked":
    case "[Amplitude] Element Changed":
      return {
        ...pageProps,
        "[Amplitude] Element Tag": pick(random, ["a", "button", "input", "select"]),
        "[Amplitude] Element Text": pick(random, [
          "Enrol now",
          "Read more",
          "Next",
          "Search",
          "Download syllabus"
        ]),
        "[Amplitude] Element Selector": `#main > div:nth-child(${intBetween(random, 1, 9)}) > button`,
        "[Amplitude] Element Hierarchy": [{ tag: "body" }, { tag: "main", id: "main" }, { tag: "div" }]
      };
    case "[Amplitude] Form Started":
    case "[Amplitude] Form Submitted": {
      const form = step.form ?? FORMS[0];
      return { ...pageProps, "[Amplitude] Form ID": form.id, "[Amplitude] Form Name": form.name };
    }
    case "[Amplitude] File Downloaded":
      return { ...pageProps, "[Amplitude] File Extension": "pdf", "[Amplitude] File Name": "syllabus.pdf" };
    case "video_loaded":
    case "video_started":
    case "video_paused":
    case "video_finished":
      return {
        video_title: `${title.split(" |")[0]} intro`,
        video_position_seconds: intBetween(random, 0, 600)
      };
    case "Activate Modal Search":
      return { search_term: pick(random, ["snowflake", "sql", "dbt", "python", "tableau", "fees"]) };
    case "Data Skills Video":
      return { skill: pick(random, ["SQL", "Python", "Tableau", "Power BI"]) };
    case "session_start":
      return {};
  }
}
function withoutPagePathFor(user, properties) {
  if (!usesOlderSdk(user)) return properties;
  const { "[Amplitude] Page Path": _path, ...rest } = properties;
  return rest;
}
function amplitudeTime(ms) {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "000");
}

// src/amplitude/simulator/objects.ts
var COHORT_PARALLEL_LIMIT = 4;
var DEFAULT_COHORT_DOWNLOAD_QUOTA = 500;
var CATEGORIES = ["Navigation", "Engagement", "Conversion", "Video"];
var CATEGORY_ID_BASE = 412931;
var EVENT_TAXONOMY = {
  session_start: { category: "Navigation", description: "A visit to the website began." },
  "[Amplitude] Page Viewed": { category: "Navigation", description: "A page of the website was viewed." },
  "[Amplitude] Element Clicked": { category: "Engagement", description: "A link or button was clicked." },
  "[Amplitude] Element Changed": { category: "Engagement", description: "A form field's value changed." },
  "[Amplitude] Form Started": { category: "Conversion", description: "The application form was started." },
  "[Amplitude] Form Submitted": {
    category: "Conversion",
    description: "The application form was submitted."
  },
  "[Amplitude] File Downloaded": {
    category: "Conversion",
    description: "A syllabus or brochure was downloaded."
  },
  video_loaded: { category: "Video", description: "A course video was loaded in the player." },
  video_started: { category: "Video", description: "A course video started playing." },
  video_paused: { category: "Video", description: "A course video was paused." },
  video_finished: { category: "Video", description: "A course video was watched to the end." },
  "Activate Modal Search": { category: "Engagement", description: "The site search was opened." },
  // Amplitude sends null for an event type nobody described.
  "Data Skills Video": { category: "Video", description: null }
};
var COHORT_DEFINITIONS = [
  {
    name: "Applicants",
    description: "Submitted the application form in the last day.",
    eventType: "[Amplitude] Form Submitted",
    matches: (e) => e.event_type === "[Amplitude] Form Submitted"
  },
  {
    name: "Video learners",
    description: "Watched a course video to the end in the last day.",
    eventType: "video_finished",
    matches: (e) => e.event_type === "video_finished"
  },
  {
    name: "Syllabus downloaders",
    description: "Downloaded a file in the last day.",
    eventType: "[Amplitude] File Downloaded",
    matches: (e) => e.event_type === "[Amplitude] File Downloaded"
  },
  {
    name: "Company visitors",
    description: "Active in the last day while in a company group.",
    eventType: "_active",
    matches: (e) => Object.keys(e.groups ?? {}).length > 0
  }
];
var ABANDONED_AFTER_MS = 6e4;
var HOUR_MS2 = 36e5;
var DAY_MS = 864e5;
var SimulatedObjects = class _SimulatedObjects {
  constructor(context) {
    this.context = context;
  }
  context;
  counters = {
    requests: {},
    cohortRequests: 0,
    cohortFiles: 0,
    cohortMembers: 0,
    maxParallelCohortRequests: 0
  };
  jobs = /* @__PURE__ */ new Map();
  memberships = /* @__PURE__ */ new Map();
  downloadsByMonth = /* @__PURE__ */ new Map();
  nextRequest = 0;
  /** Ids of the cohorts, in the order `/api/3/cohorts` lists them. */
  get cohortIds() {
    return COHORT_DEFINITIONS.map((_, index) => this.cohortId(index));
  }
  /** The start of the UTC day of `now`: when the simulated Amplitude last computed every cohort (epoch ms). */
  lastComputed() {
    const now = this.context.now().getTime();
    return now - (now % DAY_MS + DAY_MS) % DAY_MS;
  }
  /** The hours a cohort computed at `lastComputed` looks at: the 24 before it. */
  static window(lastComputed) {
    const end = lastComputed / HOUR_MS2 - 1;
    return { start: end - 23, end };
  }
  eventTypes() {
    return EVENT_TYPES.map((eventType) => ({
      event_type: eventType,
      category: { name: EVENT_TAXONOMY[eventType].category },
      description: EVENT_TAXONOMY[eventType].description
    }));
  }
  eventCategories() {
    return CATEGORIES.map((name, index) => ({ id: CATEGORY_ID_BASE + index * 10, name }));
  }
  /** Members of every cohort as computed at `lastComputed`, computed once per day and events version. */
  membersAt(lastComputed) {
    const key = `${lastComputed}:${this.context.eventsVersion()}`;
    let computed = this.memberships.get(key);
    if (!computed) {
      computed = Promise.resolve().then(() => this.computeMembers(lastComputed));
      this.memberships.set(key, computed);
    }
    return computed;
  }
  async cohorts() {
    const lastComputed = this.lastComputed();
    const members = await this.membersAt(lastComputed);
    const seconds = Math.floor(lastComputed / 1e3);
    return COHORT_DEFINITIONS.map((definition, index) => {
      const id = this.cohortId(index);
      const createdAt = Math.floor(Date.UTC(2025, 0, 6 + index * 3, 9) / 1e3);
      return {
        appId: this.context.traffic.appId,
        archived: false,
        definition: {
          version: 3,
          countGroup: { name: "User", is_computed: false },
          cohortType: "UNIQUES",
          andClauses: [
            {
              negated: false,
              orClauses: [
                {
                  type: "event",
                  time_type: "rolling",
                  time_value: 1,
                  offset: 0,
                  interval: 1,
                  type_value: definition.eventType,
                  operator: ">=",
                  operator_value: 1,
                  group_by: definition.eventType === "_active" ? [{ type: "group", value: "company" }] : [],
                  metric: null
                }
              ]
            }
          ],
          referenceFrameTimeParams: {}
        },
        description: definition.description,
        finished: true,
        id,
        name: definition.name,
        owners: ["analytics@thedataschool.co.uk"],
        viewers: [],
        published: true,
        size: members.get(id).length,
        type: "redshift",
        lastMod: createdAt,
        createdAt,
        // The docs show epoch seconds; the last cohort sends ISO text, which the client and the models
        // read too.
        lastComputed: index === COHORT_DEFINITIONS.length - 1 ? new Date(lastComputed).toISOString() : seconds,
        hidden: false,
        metadata: null,
        view_count: null,
        popularity: null,
        last_viewed: null,
        chart_id: null,
        edit_id: null,
        is_predictive: false,
        is_official_content: false,
        location_id: null,
        shortcut_ids: []
      };
    });
  }
  /** Answers the request when it is for an object endpoint; false leaves it to the export. */
  async handle(req, res, url) {
    const presigned = /^\/simulator-s3\/cohort-files\/([^/]+)\.csv\.gz$/.exec(url.pathname);
    if (presigned) {
      const counters2 = this.counters.requests;
      counters2["cohorts/s3-file"] = (counters2["cohorts/s3-file"] ?? 0) + 1;
      await this.file(res, decodeURIComponent(presigned[1]), true);
      return true;
    }
    const route = routeOf(url.pathname);
    if (!route) return false;
    if (req.method !== "GET") {
      sendJson(res, 405, { error: { http_code: 405, type: "MethodNotAllowed", message: "Use GET" } });
      return true;
    }
    const counters = this.counters.requests;
    counters[route.endpoint] = (counters[route.endpoint] ?? 0) + 1;
    if (!this.context.authorized(req)) {
      sendText(res, 401, "Invalid API key or secret key");
      return true;
    }
    const faults = this.context.faults();
    if (faults.forceStatus) {
      sendText(res, faults.forceStatus, "Forbidden");
      return true;
    }
    if (this.context.plan[route.api] === false) {
      sendNotInPlan(res, route.api);
      return true;
    }
    if (consume(faults.rateLimit)) {
      res.setHeader("Retry-After", String(faults.rateLimit.retryAfterSeconds ?? 1));
      sendJson(res, 429, tooMany("Too many requests: exceeded the concurrent request limit"));
      return true;
    }
    if (consume(faults.serverError)) {
      sendText(res, faults.serverError.status ?? 503, "Service Unavailable");
      return true;
    }
    switch (route.endpoint) {
      case "taxonomy/event":
        sendJson(res, 200, { success: true, data: this.eventTypes() });
        break;
      case "taxonomy/category":
        sendJson(res, 200, { success: true, data: this.eventCategories() });
        break;
      case "cohorts":
        sendJson(res, 200, { cohorts: await this.cohorts() });
        break;
      case "cohorts/request":
        this.request(res, route.id, url.searchParams.get("props") === "1");
        break;
      case "cohorts/request-status":
        this.status(res, route.id);
        break;
      case "cohorts/file":
        await this.file(res, route.id, false);
        break;
    }
    return true;
  }
  request(res, cohortId, props) {
    if (!this.cohortIds.includes(cohortId)) {
      sendJson(res, 404, notFound(`Cohort ${cohortId} not found`));
      return;
    }
    const open = [...this.jobs.values()].filter(
      (job) => job.open && Date.now() - job.openedAt < ABANDONED_AFTER_MS
    ).length;
    if (open >= COHORT_PARALLEL_LIMIT) {
      res.setHeader("Retry-After", "60");
      sendJson(
        res,
        429,
        tooMany(`Too many parallel cohort requests: at most ${COHORT_PARALLEL_LIMIT} per app at a time`)
      );
      return;
    }
    const month = this.context.now().toISOString().slice(0, 7);
    const used = this.downloadsByMonth.get(month) ?? 0;
    if (used >= this.context.cohortDownloadQuota) {
      sendJson(
        res,
        429,
        tooMany(
          `Exceeded the monthly limit of ${this.context.cohortDownloadQuota} cohort download requests (${used} used in ${month})`
        )
      );
      return;
    }
    this.downloadsByMonth.set(month, used + 1);
    this.counters.cohortRequests += 1;
    const requestId = this.requestId();
    this.jobs.set(requestId, {
      requestId,
      cohortId,
      lastComputed: this.lastComputed(),
      pollsLeft: this.context.faults().cohortInProgressPolls ?? 0,
      props,
      open: true,
      openedAt: Date.now()
    });
    this.counters.maxParallelCohortRequests = Math.max(this.counters.maxParallelCohortRequests, open + 1);
    sendJson(res, 202, { request_id: requestId, cohort_id: cohortId });
  }
  status(res, requestId) {
    const job = this.jobs.get(requestId);
    if (!job) {
      sendJson(res, 404, notFound(`Request ${requestId} not found`));
      return;
    }
    const done = job.pollsLeft <= 0;
    if (!done) job.pollsLeft -= 1;
    sendJson(res, done ? 200 : 202, {
      request_id: job.requestId,
      cohort_id: job.cohortId,
      async_status: done ? "JOB COMPLETED" : "JOB INPROGRESS"
    });
  }
  async file(res, requestId, presigned) {
    const job = this.jobs.get(requestId);
    if (!job) {
      sendJson(res, 404, notFound(`Request ${requestId} not found`));
      return;
    }
    if (job.pollsLeft > 0) {
      sendJson(res, 400, {
        error: { http_code: 400, type: "BadRequest", message: `Request ${requestId} has not completed yet` }
      });
      return;
    }
    const members = (await this.membersAt(job.lastComputed)).get(job.cohortId);
    if (!presigned && members.length > this.context.redirectFilesAbove) {
      const location2 = `/simulator-s3/cohort-files/${encodeURIComponent(requestId)}.csv.gz`;
      res.writeHead(302, { Location: `${location2}?X-Amz-Expires=60&X-Amz-Signature=simulated` });
      res.end();
      return;
    }
    const spoil = this.context.faults().cohortFile;
    const mode = consume(spoil) ? spoil.mode : null;
    const lines = memberCsv(members, job.props, mode === "corrupt");
    res.writeHead(200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Encoding": "gzip",
      "Content-Disposition": `attachment; filename="${job.cohortId}_${requestId}.csv"`
    });
    if (mode === "truncate") {
      const whole = gzipSync(Buffer.from([...lines].join("")));
      res.write(whole.subarray(0, Math.floor(whole.length / 2)));
      await new Promise((resolve5) => setImmediate(resolve5));
      res.socket?.destroy();
      return;
    }
    if (mode === null) job.open = false;
    await pipeline(Readable.from(lines), createGzip(), res);
    if (mode === null) {
      this.counters.cohortFiles += 1;
      this.counters.cohortMembers += members.length;
    }
  }
  computeMembers(lastComputed) {
    const byCohort = COHORT_DEFINITIONS.map(() => /* @__PURE__ */ new Set());
    const users = /* @__PURE__ */ new Map();
    for (const event of this.context.events(_SimulatedObjects.window(lastComputed))) {
      const amplitudeId = event.amplitude_id;
      let user = users.get(amplitudeId);
      if (!user) {
        user = {
          amplitude_id: amplitudeId,
          user_id: null,
          country: event.country ?? null,
          city: event.city ?? null
        };
        users.set(amplitudeId, user);
      }
      if (user.user_id === null && typeof event.user_id === "string") user.user_id = event.user_id;
      COHORT_DEFINITIONS.forEach((definition, index) => {
        if (definition.matches(event)) byCohort[index].add(amplitudeId);
      });
    }
    return new Map(
      COHORT_DEFINITIONS.map((_, index) => [
        this.cohortId(index),
        [...byCohort[index]].sort((a, b) => a - b).map((id) => users.get(id))
      ])
    );
  }
  cohortId(index) {
    const { seed, appId } = this.context.traffic;
    return mixSeed(seed, appId, 7e3 + index).toString(36).padStart(7, "0").slice(-7);
  }
  requestId() {
    this.nextRequest += 1;
    const { seed, appId } = this.context.traffic;
    return mixSeed(seed, appId, 9e3 + this.nextRequest).toString(36).padStart(6, "0").slice(-6);
  }
};
function routeOf(pathname) {
  if (pathname === "/api/2/taxonomy/event") return { api: "taxonomy", endpoint: "taxonomy/event", id: "" };
  if (pathname === "/api/2/taxonomy/category")
    return { api: "taxonomy", endpoint: "taxonomy/category", id: "" };
  if (pathname === "/api/3/cohorts") return { api: "cohorts", endpoint: "cohorts", id: "" };
  let m = /^\/api\/5\/cohorts\/request-status\/([^/]+)$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/request-status", id: decodeURIComponent(m[1]) };
  m = /^\/api\/5\/cohorts\/request\/([^/]+)\/file$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/file", id: decodeURIComponent(m[1]) };
  m = /^\/api\/5\/cohorts\/request\/([^/]+)$/.exec(pathname);
  if (m) return { api: "cohorts", endpoint: "cohorts/request", id: decodeURIComponent(m[1]) };
  return null;
}
function* memberCsv(members, props, corrupt) {
  const columns = props ? ["amplitude_id", "user_id", "country", "city"] : ["amplitude_id", "user_id"];
  yield columns.map(quote).join(",") + "\n";
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    if (corrupt && i === Math.floor(members.length / 2)) {
      yield `"${member.amplitude_id},"broken
`;
      continue;
    }
    const values = [String(member.amplitude_id), member.user_id ?? ""];
    if (props) values.push(member.country ?? "", member.city ?? "");
    yield values.map(quote).join(",") + "\n";
  }
}
function quote(value) {
  return `"${value.replace(/"/g, '""')}"`;
}
function sendNotInPlan(res, api) {
  const message = api === "taxonomy" ? "The Taxonomy API is not available on your plan: it needs an Enterprise plan or the Govern add-on." : "The Behavioral Cohorts API is not available on your plan: it needs a Growth or Enterprise plan.";
  if (api === "taxonomy") sendJson(res, 403, { success: false, errors: [{ message }] });
  else sendJson(res, 403, { error: { http_code: 403, type: "Forbidden", message } });
}
function tooMany(message) {
  return { error: { http_code: 429, type: "TooManyRequests", message } };
}
function notFound(message) {
  return { error: { http_code: 404, type: "NotFound", message } };
}
function consume(fault) {
  if (!fault || fault.times <= 0) return false;
  fault.times -= 1;
  return true;
}
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
function sendText(res, status, body) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body)
  });
  res.end(body);
}

// src/amplitude/simulator/reprocess.ts
var DEFAULT_REPROCESS_RATES = {
  propertiesRemoved: 0.1,
  sessionMoved: 0.08,
  userIdGained: 0.15,
  eventTypeChanged: 0.05,
  amplitudeIdChanged: 0.02,
  deviceIdChanged: 0.02
};
var KINDS = Object.keys(DEFAULT_REPROCESS_RATES);
var SESSION_LOOKBACK_HOURS = 24;
var DAY_MS2 = 864e5;
var HOUR_MS3 = 36e5;
function checkReprocessOptions(options) {
  if (!Number.isInteger(options.round) || options.round < 0) {
    throw new RangeError(`reprocess.round must be a whole number ≥ 0, not ${options.round}`);
  }
  if (options.seed !== void 0 && !Number.isInteger(options.seed)) {
    throw new RangeError(`reprocess.seed must be a whole number, not ${options.seed}`);
  }
  for (const [kind, rate] of Object.entries(options.rates ?? {})) {
    if (!KINDS.includes(kind)) {
      throw new RangeError(`reprocess.rates.${kind} is not a kind of change (${KINDS.join(", ")})`);
    }
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`reprocess.rates.${kind} must be a share from 0 to 1, not ${String(rate)}`);
    }
  }
}
function gzipMtimeFor(window2, options) {
  if (!options || options.round === 0) return null;
  const seconds = (window2.end + 3) * 3600 + options.round * 86400 + mixSeed(options.seed ?? 0) % 3600;
  return seconds >>> 0;
}
var Reprocessor = class {
  constructor(traffic, users) {
    this.traffic = traffic;
    this.users = users;
    this.byAmplitudeId = new Map(users.map((user) => [user.amplitudeId, user]));
  }
  traffic;
  users;
  byAmplitudeId;
  sessionsByHour = /* @__PURE__ */ new Map();
  /** The hour's events as an export in `options.round` delivers them (unchanged without options or in round 0). */
  *eventsForHour(hour, options) {
    if (!options || options.round === 0) {
      yield* eventsForHour(hour, this.traffic, this.users);
      return;
    }
    const rates = { ...DEFAULT_REPROCESS_RATES, ...options.rates };
    for (const event of eventsForHour(hour, this.traffic, this.users)) {
      yield this.version(event, hour, options.round, options.seed ?? 0, rates);
    }
  }
  version(event, hour, round, seed, rates) {
    const uuid = hashText(event.uuid);
    const streams = (k) => KINDS.map(
      (_, kind) => seededRandom(mixSeed(this.traffic.seed, this.traffic.appId, seed, k, kind, uuid))
    );
    for (let k = round; k >= 1; k--) {
      const random = streams(k);
      const hits = KINDS.map((kind, i) => random[i]() < rates[kind]);
      if (hits.some(Boolean)) return this.reprocessed(event, hour, k, seed, hits, random);
    }
    return event;
  }
  reprocessed(original, hour, round, seed, hits, random) {
    const event = { ...original };
    const hit = (kind) => hits[KINDS.indexOf(kind)];
    const draw = (kind) => random[KINDS.indexOf(kind)];
    const amplitudeId = original.amplitude_id;
    const user = this.byAmplitudeId.get(amplitudeId);
    if (hit("propertiesRemoved")) {
      const r = draw("propertiesRemoved");
      const properties = original.event_properties;
      const keys = Object.keys(properties);
      if (keys.length > 0) {
        if (r() < 1 / 3) event.event_properties = {};
        else {
          const removed = new Set(keys.filter(() => r() < 0.5));
          if (removed.size === 0) removed.add(pick(r, keys));
          event.event_properties = Object.fromEntries(
            Object.entries(properties).filter(([key]) => !removed.has(key))
          );
        }
      }
    }
    if (hit("sessionMoved")) {
      const r = draw("sessionMoved");
      const u = r();
      const current = original.session_id;
      const others = this.sessionsOf(amplitudeId, hour).filter((s) => s !== current);
      const own = Date.parse(String(original.event_time).replace(" ", "T") + "Z");
      if (u < 0.5) event.session_id = others.length > 0 ? pick(r, others) : own;
      else if (u < 0.75) event.session_id = current === -1 ? own : -1;
      else event.session_id = own;
    }
    if (hit("userIdGained") && original.user_id === null && user?.email) {
      event.user_id = user.email;
      event.user_properties = { email: user.email, ...original.user_properties };
    }
    if (hit("eventTypeChanged")) {
      const r = draw("eventTypeChanged");
      event.event_type = pick(
        r,
        EVENT_TYPES.filter((type) => type !== original.event_type)
      );
    }
    if (hit("amplitudeIdChanged") && this.users.length > 1) {
      const r = draw("amplitudeIdChanged");
      const merged = pick(
        r,
        this.users.filter((other) => other.amplitudeId !== amplitudeId)
      );
      event.amplitude_id = merged.amplitudeId;
      event.groups = groupsOf(merged);
      event.group_properties = groupPropertiesOf(
        merged,
        Date.parse(`${String(original.event_time).replace(" ", "T")}Z`),
        original.event_id
      );
    }
    if (hit("deviceIdChanged")) {
      const r = draw("deviceIdChanged");
      event.device_id = r() < 0.5 ? pick(
        r,
        this.users.filter((other) => other.deviceId !== original.device_id)
      ).deviceId : uuidFrom(r);
    }
    const jitterRandom = seededRandom(mixSeed(this.traffic.seed, seed, round, hashText(original.uuid)));
    const jitter = Math.floor(jitterRandom() * HOUR_MS3);
    const processed = Date.parse(String(original.processed_time).replace(" ", "T") + "Z");
    event.processed_time = amplitudeTime(processed + round * DAY_MS2 + jitter);
    return event;
  }
  /** Session ids of the user's first-export events uploaded in this hour or the few before it. */
  sessionsOf(amplitudeId, hour) {
    const sessions = /* @__PURE__ */ new Set();
    for (let h = hour - SESSION_LOOKBACK_HOURS; h <= hour; h++) {
      for (const id of this.sessionIndex(h).get(amplitudeId) ?? []) sessions.add(id);
    }
    return [...sessions].sort((a, b) => a - b);
  }
  sessionIndex(hour) {
    let index = this.sessionsByHour.get(hour);
    if (!index) {
      const sets = /* @__PURE__ */ new Map();
      for (const event of eventsForHour(hour, this.traffic, this.users)) {
        const session = event.session_id;
        if (session === -1) continue;
        const id = event.amplitude_id;
        if (!sets.has(id)) sets.set(id, /* @__PURE__ */ new Set());
        sets.get(id).add(session);
      }
      index = new Map([...sets].map(([id, set]) => [id, [...set]]));
      this.sessionsByHour.set(hour, index);
    }
    return index;
  }
};
function hashText(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

// src/amplitude/simulator/server.ts
var SIMULATOR_API_KEY = "simulator-api-key";
var SIMULATOR_SECRET_KEY = "simulator-secret-key";
var AmplitudeSimulator = class {
  constructor(options = {}) {
    this.options = options;
    this.traffic = { ...DEFAULT_TRAFFIC, ...pickTraffic(options) };
    this.faults = options.faults ?? {};
    this.users = makeUsers(this.traffic);
    this.reprocessor = new Reprocessor(this.traffic, this.users);
    this.reprocess = options.reprocess;
    this.objects = new SimulatedObjects({
      traffic: this.traffic,
      faults: () => this.faults,
      authorized: (req) => this.authorized(req),
      events: (window2) => this.events(window2),
      eventsVersion: () => JSON.stringify(this.reprocessing ?? null),
      now: options.now ?? (() => /* @__PURE__ */ new Date()),
      plan: options.plan ?? {},
      cohortDownloadQuota: options.cohortDownloadQuota ?? DEFAULT_COHORT_DOWNLOAD_QUOTA,
      redirectFilesAbove: options.cohortFileRedirectAbove ?? Infinity
    });
  }
  options;
  traffic;
  faults;
  served = { requests: 0, exports: 0, files: 0, events: 0, bytes: 0, badLines: 0 };
  /** Every window requested, in order, as `YYYYMMDDTHH-YYYYMMDDTHH`. */
  requests = [];
  /** The most export requests that were in progress at the same moment. */
  maxConcurrentRequests = 0;
  inFlight = 0;
  users;
  /** Taxonomy and Behavioral Cohorts endpoints, from the same world. */
  objects;
  reprocessor;
  reprocessing;
  cache = /* @__PURE__ */ new Map();
  server = null;
  workDir = "";
  /** Requests and downloads of the Taxonomy and Cohorts endpoints. */
  get objectCounters() {
    return this.objects.counters;
  }
  /** The re-export round later requests are served as (see `SimulatorOptions.reprocess`). */
  get reprocess() {
    return this.reprocessing;
  }
  set reprocess(options) {
    if (options) checkReprocessOptions(options);
    this.reprocessing = options && { ...options, rates: options.rates && { ...options.rates } };
  }
  get apiKey() {
    return this.options.apiKey ?? SIMULATOR_API_KEY;
  }
  get secretKey() {
    return this.options.secretKey ?? SIMULATOR_SECRET_KEY;
  }
  get url() {
    const address = this.server?.address();
    if (!address) throw new Error("the simulator is not listening");
    return `http://127.0.0.1:${address.port}`;
  }
  async start(port = 0) {
    this.workDir = await mkdtemp2(join3(tmpdir2(), "amplitude-simulator-"));
    this.server = createServer((req, res) => {
      this.inFlight += 1;
      this.maxConcurrentRequests = Math.max(this.maxConcurrentRequests, this.inFlight);
      this.handle(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`simulator error: ${error.message}`);
      }).finally(() => this.inFlight -= 1);
    });
    await new Promise((resolve5, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", resolve5);
    });
    return this;
  }
  async close() {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve5) => server.close(() => resolve5()));
    }
    if (this.workDir) await rm2(this.workDir, { recursive: true, force: true });
  }
  /** The events of a window exactly as a successful export would deliver them, for test expectations. */
  *events(window2) {
    for (let hour = window2.start; hour <= window2.end; hour++)
      yield* this.reprocessor.eventsForHour(hour, this.reprocessing);
  }
  async handle(req, res) {
    const url = new URL(req.url ?? "/", "http://simulator");
    if (await this.objects.handle(req, res, url)) return;
    if (url.pathname !== "/api/2/export" || req.method !== "GET") {
      return send(res, 404, "Not Found");
    }
    this.served.requests += 1;
    if (!this.authorized(req)) return send(res, 401, "Invalid API key or secret key");
    if (this.faults.forceStatus) return send(res, this.faults.forceStatus, "Forbidden");
    const window2 = parseWindow(url.searchParams.get("start"), url.searchParams.get("end"));
    if (!window2) return send(res, 400, "Invalid start or end: expected YYYYMMDDTHH");
    this.requests.push(`${formatApiHour(window2.start)}-${formatApiHour(window2.end)}`);
    const hours = window2.end - window2.start + 1;
    if (hours > 365 * 24) return send(res, 400, "Time range exceeds 365 days.");
    const faults = this.faults;
    if (consume2(faults.rateLimit)) {
      res.setHeader("Retry-After", String(faults.rateLimit.retryAfterSeconds ?? 1));
      return send(res, 429, "Too many requests: exceeded the concurrent request limit");
    }
    if (consume2(faults.serverError))
      return send(res, faults.serverError.status ?? 503, "Service Unavailable");
    if (faults.tooLargeAboveHours !== void 0 && hours > faults.tooLargeAboveHours) {
      return send(res, 400, "Raw data files were too large to export. The limit size is 4GB.");
    }
    if (faults.timeoutAboveHours !== void 0 && hours > faults.timeoutAboveHours) {
      return send(res, 504, "Gateway Timeout");
    }
    if (faults.failingHours?.some((h) => h >= window2.start && h <= window2.end)) {
      return send(res, 504, "Gateway Timeout");
    }
    const corrupt = consume2(faults.corruptMember) ? faults.corruptMember.hours ?? "all" : null;
    const cacheable = Boolean(this.options.cache) && corrupt === null && !faults.badLinesPerMember;
    const rendered = await this.render(window2, corrupt, cacheable, this.reprocessing);
    try {
      await this.respond(res, rendered);
    } finally {
      if (!cacheable) await rm2(rendered.path, { force: true });
    }
  }
  async respond(res, rendered) {
    if (rendered.files === 0) return send(res, 404, "No data available for the time range requested.");
    const truncate = this.faults.truncate;
    if (consume2(truncate)) {
      const half = Math.floor(rendered.size / 2);
      res.writeHead(200, {
        "Content-Type": "application/zip",
        "Content-Length": String(truncate.mode === "zip" ? half : rendered.size)
      });
      await pipeline2(createReadStream(rendered.path, { start: 0, end: half - 1 }), new WriteWithoutEnd(res));
      if (truncate.mode === "connection") res.socket?.destroy();
      else res.end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": String(rendered.size) });
    await pipeline2(createReadStream(rendered.path), res);
    this.served.exports += 1;
    this.served.files += rendered.files;
    this.served.events += rendered.events;
    this.served.bytes += rendered.bytes;
    this.served.badLines += rendered.badLines;
  }
  authorized(req) {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) return false;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    return decoded === `${this.apiKey}:${this.secretKey}`;
  }
  render(window2, corrupt, cacheable, reprocess) {
    if (!cacheable) return this.renderZip(window2, corrupt, reprocess);
    const round = reprocess && reprocess.round > 0 ? `-${JSON.stringify(reprocess)}` : "";
    const key = `${window2.start}-${window2.end}${round}`;
    let rendering = this.cache.get(key);
    if (!rendering) {
      rendering = this.renderZip(window2, null, reprocess);
      this.cache.set(key, rendering);
    }
    return rendering;
  }
  async renderZip(window2, corrupt, reprocess) {
    const path = join3(
      this.workDir,
      `${window2.start}-${window2.end}-${Math.random().toString(36).slice(2)}.zip`
    );
    const zip = new import_yazl.default.ZipFile();
    const totals = { files: 0, events: 0, bytes: 0, badLines: 0 };
    const { appId, eventsPerMember } = this.traffic;
    const badLines = this.faults.badLinesPerMember ?? 0;
    const mtime = gzipMtimeFor(window2, reprocess);
    for (let hour = window2.start; hour <= window2.end; hour++) {
      const events = this.reprocessor.eventsForHour(hour, reprocess);
      let first = events.next();
      const date = hourToDate(hour).toISOString().slice(0, 10);
      const hourOfDay = hourToDate(hour).getUTCHours();
      for (let part = 0; !first.done; part++) {
        const batch = [];
        while (!first.done && batch.length < eventsPerMember) {
          batch.push(first.value);
          first = events.next();
        }
        totals.files += 1;
        totals.events += batch.length;
        totals.badLines += badLines;
        const damaged = corrupt === "all" || (corrupt?.includes(hour) ?? false);
        const name = `${appId}/${appId}_${date}_${hourOfDay}#${part}.json.gz`;
        zip.addReadStreamLazy(name, { compress: this.options.deflateEntries ?? false }, (callback) => {
          const counter = new ByteCounter((n) => totals.bytes += n);
          const compressed = Readable2.from(memberLines(batch, badLines)).pipe(createGzip2());
          const gzip = mtime === null ? compressed : compressed.pipe(new GzipMtime(mtime));
          callback(null, damaged ? gzip.pipe(new Corrupter()).pipe(counter) : gzip.pipe(counter));
        });
      }
    }
    zip.end();
    await pipeline2(zip.outputStream, createWriteStream(path));
    const { size } = await stat(path);
    return { path, size, ...totals };
  }
};
function* memberLines(batch, badLines) {
  const bad = [
    "{this is not json",
    '["an array", "not an object"]',
    JSON.stringify({ event_type: "no uuid here", server_upload_time: "2025-01-01 00:00:00.000000" }),
    JSON.stringify({ uuid: "0b6a4f6e-0000-4000-a000-000000000000", event_type: "no upload time" })
  ];
  const every = badLines > 0 ? Math.max(1, Math.floor(batch.length / (badLines + 1))) : Infinity;
  let inserted = 0;
  for (let i = 0; i < batch.length; i++) {
    if (inserted < badLines && i > 0 && i % every === 0) yield bad[inserted++ % bad.length] + "\n";
    yield JSON.stringify(batch[i]) + "\n";
  }
  while (inserted < badLines) yield bad[inserted++ % bad.length] + "\n";
}
function parseWindow(start, end) {
  const parse2 = (text) => {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})$/.exec(text ?? "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]) / 36e5 : NaN;
  };
  const window2 = { start: parse2(start), end: parse2(end) };
  return Number.isNaN(window2.start) || Number.isNaN(window2.end) || window2.end < window2.start ? null : window2;
}
function consume2(fault) {
  if (!fault || fault.times <= 0) return false;
  fault.times -= 1;
  return true;
}
function send(res, status, body) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body)
  });
  res.end(body);
}
function pickTraffic(options) {
  const keys = [
    "appId",
    "seed",
    "eventsPerHour",
    "quietHours",
    "duplicateRate",
    "eventsPerMember",
    "users"
  ];
  return Object.fromEntries(keys.filter((k) => options[k] !== void 0).map((k) => [k, options[k]]));
}
var ByteCounter = class extends Transform {
  constructor(onBytes) {
    super();
    this.onBytes = onBytes;
  }
  onBytes;
  _transform(chunk, _encoding, callback) {
    this.onBytes(chunk.length);
    callback(null, chunk);
  }
};
var GzipMtime = class extends Transform {
  constructor(mtime) {
    super();
    this.mtime = mtime;
  }
  mtime;
  seen = 0;
  _transform(chunk, _encoding, callback) {
    let out = chunk;
    if (this.seen < 8) {
      out = Buffer.from(chunk);
      for (let i = 0; i < out.length && this.seen + i < 8; i++) {
        const offset = this.seen + i;
        if (offset >= 4) out[i] = this.mtime >>> (offset - 4) * 8 & 255;
      }
    }
    this.seen += chunk.length;
    callback(null, out);
  }
};
var Corrupter = class extends Transform {
  seen = 0;
  _transform(chunk, _encoding, callback) {
    const copy = Buffer.from(chunk);
    for (let i = 0; i < copy.length; i++) {
      const offset = this.seen + i;
      if (offset >= 20 && offset < 60) copy[i] = 255;
    }
    this.seen += chunk.length;
    callback(null, copy);
  }
};
var WriteWithoutEnd = class extends Writable {
  constructor(res) {
    super();
    this.res = res;
  }
  res;
  _write(chunk, _encoding, callback) {
    if (this.res.write(chunk)) callback();
    else this.res.once("drain", () => callback());
  }
};

// src/validate/sample-run.ts
var SAMPLE_EVENTS_PER_HOUR = 40;
var SAMPLE_USERS = 30;
var window = (start, end) => ({
  start: parseHour(start, "start"),
  end: parseHour(end, "end")
});
async function runOnSampleData(project, options = {}) {
  const work = await mkdtemp3(join4(tmpdir3(), "amplitude-pipeline-validate-"));
  const simulator = await new AmplitudeSimulator({
    eventsPerHour: options.eventsPerHour ?? SAMPLE_EVENTS_PER_HOUR,
    users: SAMPLE_USERS
  }).start();
  let warehouse;
  try {
    const client = new ExportClient({
      baseUrl: simulator.url,
      apiKey: simulator.apiKey,
      secretKey: simulator.secretKey
    });
    const outDir = join4(work, "exports");
    const lake = new LocalLake(join4(work, "lake"));
    let events = 0;
    const deliver = async (windows) => {
      const summary3 = await extract({
        client,
        range: windows,
        outDir,
        validationThreads: 0,
        signal: options.signal
      });
      if (summary3.failed.length > 0) {
        throw new Error(`the simulator's export failed: ${summary3.failed.map((f) => f.error).join("; ")}`);
      }
      events += summary3.events;
      const uploaded = await upload({ lake, from: outDir, signal: options.signal });
      if (uploaded.failures.length > 0) {
        throw new Error(
          `upload to the sample lake failed: ${uploaded.failures.map((f) => f.error).join("; ")}`
        );
      }
      const loaded = await load({ lake, warehouse, signal: options.signal });
      if (loaded.failed.length > 0) {
        throw new Error(`load of the sample lake failed: ${loaded.failed.map((f) => f.message).join("; ")}`);
      }
    };
    warehouse = await DuckDbWarehouse.open(join4(work, "warehouse.duckdb"), { create: true });
    const runs = [];
    await deliver([window("2025-11-04T00", "2025-11-04T23")]);
    runs.push({
      label: "full build",
      result: await transform({ warehouse, project, fullTests: true, signal: options.signal })
    });
    await deliver([window("2025-11-05T00", "2025-11-05T05")]);
    simulator.reprocess = { round: 1 };
    await deliver([window("2025-11-04T18", "2025-11-04T23")]);
    runs.push({
      label: "incremental run",
      result: await transform({ warehouse, project, signal: options.signal })
    });
    const columns = /* @__PURE__ */ new Map();
    for (const model of [...runs[0].result.seeds ?? [], ...runs[0].result.models]) {
      const [schema, name] = model.relation.split(".");
      const found = await warehouse.columns(schema, name);
      if (found.length > 0) columns.set(model.relation, found);
    }
    return { runs, columns, events };
  } finally {
    await warehouse?.close();
    await simulator.close();
    await rm3(work, { recursive: true, force: true });
  }
}
async function sampleRunDiagnostics(project, run2, rendered, diagnostics) {
  const execute = { check: "execute", passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const tests = { check: "tests", passed: 0, failed: 0, warnings: 0, skipped: 0 };
  const locate = testLocator(project);
  for (const { label, result } of run2.runs) {
    for (const model of result.models) {
      if (model.status === "success") execute.passed += 1;
      else if (model.status === "skipped") execute.skipped += 1;
      else {
        execute.failed += 1;
        const template = project.models.get(model.name);
        const kind = model.incremental ? "incremental" : "model";
        const statement = rendered.find((r) => r.model === model.name && r.kind === kind);
        const { text, line } = duckdbError((model.message ?? "failed").replace(`${template.path}: `, ""));
        const compiledLine = line === void 0 ? void 0 : Math.max(1, line - 1);
        const templateAt = statement && compiledLine !== void 0 ? templateLine(template.sql, statement.sql, compiledLine) : void 0;
        diagnostics.add({
          check: "execute",
          severity: "error",
          file: shown(project, template.path),
          line: templateAt,
          message: `DuckDB could not build ${model.relation}: ${text}` + (statement && compiledLine !== void 0 ? ` (rendered at ${statement.file}:${compiledLine})` : ""),
          context: label
        });
      }
    }
    for (const test of result.tests) {
      if (test.status === "pass") {
        tests.passed += 1;
        continue;
      }
      if (test.status === "skipped") {
        tests.skipped += 1;
        continue;
      }
      const where = await locate(test);
      if (test.status === "warn") {
        tests.warnings += 1;
        diagnostics.add({
          check: "tests",
          severity: "warning",
          ...where,
          message: `test ${test.name} (severity warn) found ${test.failures} row(s): ${test.message ?? ""}`.trim(),
          context: label
        });
      } else {
        tests.failed += 1;
        const message = test.status === "fail" ? `test ${test.name} failed: ${test.failures} failing row(s), ${test.message ?? ""}` : `test ${test.name} could not run: ${(test.message ?? "").replace(`${test.declaredIn}: `, "")}`;
        diagnostics.add({
          check: "tests",
          severity: "error",
          ...where,
          message: message.trim(),
          context: label
        });
      }
    }
  }
  return { execute, tests };
}
function notBuilt(run2) {
  const failed = /* @__PURE__ */ new Set();
  const models = /* @__PURE__ */ new Set();
  const tests = /* @__PURE__ */ new Set();
  const relations = /* @__PURE__ */ new Set();
  for (const { result } of run2.runs) {
    for (const model of result.models) {
      if (model.status === "success") continue;
      (model.status === "error" ? failed : models).add(model.relation);
      relations.add(model.relation);
    }
    for (const test of result.tests) if (test.status === "skipped") tests.add(test.name);
  }
  for (const relation of failed) models.delete(relation);
  return { failed: [...failed], models: [...models], tests: [...tests], relations };
}
function duckdbError(message) {
  const line = /\bLINE (\d+):/.exec(message);
  const text = message.replace(/^duckdb:\S*?: /, "").replace(/\n\s*in: [\s\S]*$/, "").replace(/\n\s*LINE \d+:[\s\S]*$/, "").replace(/\s+/g, " ").trim();
  return { text, line: line ? Number(line[1]) : void 0 };
}
function testLocator(project) {
  const texts = /* @__PURE__ */ new Map();
  return async (test) => {
    const file = shown(project, test.declaredIn);
    if (!/\.ya?ml$/.test(test.declaredIn)) return { file };
    if (!texts.has(test.declaredIn)) {
      texts.set(
        test.declaredIn,
        readFile2(join4(project.root, test.declaredIn), "utf8").catch(() => "")
      );
    }
    const lines = (await texts.get(test.declaredIn)).split("\n");
    const on = test.on[0] ?? "";
    const model = project.models.get(on);
    const source = project.sources.get(on);
    const owner = model?.name ?? source?.name ?? on;
    const declared = model ? model.tests.find((t) => testName(t, model.name) === test.name) : source?.tests.find((t) => testName(t, `source_${source.source}_${source.name}`) === test.name);
    const nameLine = (name, from) => {
      const pattern = new RegExp(
        `^\\s*-?\\s*name:\\s*['"]?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}['"]?\\s*$`
      );
      const index2 = lines.findIndex((text, i) => i >= from && pattern.test(text));
      return index2 === -1 ? void 0 : index2;
    };
    const ownerLine = nameLine(owner, 0);
    const columnLine = declared?.column ? nameLine(declared.column, (ownerLine ?? -1) + 1) : void 0;
    const index = columnLine ?? ownerLine;
    return { file, line: index === void 0 ? void 0 : index + 1 };
  };
}

// src/validate/sqlfluff-check.ts
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir as mkdir3, mkdtemp as mkdtemp4, readFile as readFile3, rename, rm as rm4, writeFile as writeFile3 } from "node:fs/promises";
import { availableParallelism, homedir, tmpdir as tmpdir4 } from "node:os";
import { basename, join as join5 } from "node:path";
var MAX_PROCESSES = 4;
var PARSE_ARGS = [
  "parse",
  "--dialect",
  "snowflake",
  "--templater",
  "raw",
  "--format",
  "json",
  "--nocolor",
  // Statements are checked the same way wherever validate runs: no .sqlfluff of the machine applies.
  "--ignore-local-config"
];
function defaultSqlfluffCache(env = process.env) {
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join5(homedir(), ".cache");
  return join5(base, "amplitude-pipeline", "sqlfluff");
}
async function sqlfluffVersion(command) {
  try {
    const { code, stdout, stderr } = await run(command, ["--version"]);
    if (code !== 0) return { reason: `${command} --version exited ${code}: ${stderr.trim().slice(0, 200)}` };
    return { version: stdout.trim().replace(/^sqlfluff,\s*version\s*/i, "") };
  } catch (error) {
    if (error.code === "ENOENT") return { reason: `${command} is not on PATH` };
    throw error;
  }
}
async function checkWithSqlfluff(statements, options) {
  const found = await sqlfluffVersion(options.command);
  if ("reason" in found) return { installed: false, reason: found.reason };
  const files = statements.map(({ sql }) => sql.endsWith("\n") ? sql : sql + "\n");
  const cache = options.cache === false ? void 0 : new ParseCache(options.cache ?? defaultSqlfluffCache(), found.version);
  const kept = files.map((text) => cache?.path(text));
  const results = await Promise.all(
    kept.map((path) => cache && path ? cache.read(path) : void 0)
  );
  const cached = results.filter((result) => result !== void 0).length;
  const parsed = await parseStatements(
    files,
    files.map((_, i) => i).filter((i) => results[i] === void 0),
    options
  );
  for (const [i, result] of parsed) {
    results[i] = result;
    if (result !== void 0) await cache?.write(kept[i], result);
  }
  const findings = [];
  statements.forEach((statement, i) => {
    const sections = results[i];
    if (sections === void 0) {
      findings.push({ statement, message: "sqlfluff returned no result for this statement" });
    } else if (sections === null) {
      findings.push({
        statement,
        message: "sqlfluff could not lex this statement (an unterminated quote?)"
      });
    } else {
      for (const section of sections) {
        const lead = section.text.length - section.text.trimStart().length;
        const line = statement.sql.slice(0, section.offset + lead).split("\n").length;
        const text = section.text.replace(/\s+/g, " ").trim();
        findings.push({
          statement,
          line,
          message: `sqlfluff found an unparsable section: '${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`
        });
      }
    }
  });
  return { installed: true, version: found.version, findings, checked: statements.length, cached };
}
async function parseStatements(files, picked, options) {
  const results = /* @__PURE__ */ new Map();
  if (picked.length === 0) return results;
  const folder = await mkdtemp4(join5(tmpdir4(), "amplitude-pipeline-sqlfluff-"));
  try {
    const processes = Math.max(1, Math.min(MAX_PROCESSES, availableParallelism(), picked.length));
    const shares = Array.from({ length: processes }, () => []);
    const sizes = new Array(processes).fill(0);
    for (const i of [...picked].sort((a, b) => files[b].length - files[a].length)) {
      const share = sizes.indexOf(Math.min(...sizes));
      shares[share].push(i);
      sizes[share] += files[i].length;
    }
    const name = (i) => `statement_${String(i).padStart(4, "0")}.sql`;
    await Promise.all(
      shares.map(async (share, n) => {
        const dir = join5(folder, String(n));
        await mkdir3(dir);
        for (const i of share) await writeFile3(join5(dir, name(i)), files[i]);
        const trees = await parseFolder(options.command, dir, options.signal);
        for (const i of share) {
          const tree = trees.get(name(i));
          results.set(i, tree === void 0 ? void 0 : tree === null ? null : unparsableSections(tree));
        }
      })
    );
    return results;
  } finally {
    await rm4(folder, { recursive: true, force: true });
  }
}
var ParseCache = class {
  constructor(dir, version) {
    this.dir = dir;
    this.version = version;
  }
  dir;
  version;
  /** The file of a statement's parse. */
  path(text) {
    const key = createHash("sha256").update(JSON.stringify([this.version, PARSE_ARGS, text])).digest("hex");
    return join5(this.dir, `${key}.json`);
  }
  async read(path) {
    try {
      const kept = JSON.parse(await readFile3(path, "utf8"));
      const sections = kept.sections;
      if (sections === null) return null;
      const valid = Array.isArray(sections) && sections.every(
        (s) => typeof s.offset === "number" && typeof s.text === "string"
      );
      return valid ? sections : void 0;
    } catch {
      return void 0;
    }
  }
  async write(path, sections) {
    const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      await mkdir3(this.dir, { recursive: true });
      await writeFile3(aside, JSON.stringify({ sections }));
      await rename(aside, path);
    } catch {
      await rm4(aside, { force: true }).catch(() => void 0);
    }
  }
};
async function parseFolder(command, dir, signal) {
  const args = [...PARSE_ARGS, dir];
  const { code, stdout, stderr } = await run(command, args, signal);
  let files;
  try {
    files = JSON.parse(stdout);
  } catch {
    throw new Error(
      `sqlfluff parse exited ${code} without a JSON result: ${(stderr || stdout).trim().slice(0, 500)}`
    );
  }
  return new Map(files.map((f) => [basename(f.filepath), f.segments]));
}
function unparsableSections(tree) {
  const sections = [];
  let offset = 0;
  const text = (node) => typeof node === "string" ? node : Array.isArray(node) ? node.map(text).join("") : node && typeof node === "object" ? Object.values(node).map(text).join("") : "";
  const walk = (node) => {
    if (typeof node === "string") {
      offset += node.length;
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === "object") {
      for (const [type, child] of Object.entries(node)) {
        if (type === "unparsable") {
          const raw = text(child);
          sections.push({ offset, text: raw });
          offset += raw.length;
        } else {
          walk(child);
        }
      }
    }
  };
  walk(tree);
  return sections;
}
function run(command, args, signal) {
  return new Promise((resolve5, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], signal });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    child.on(
      "close",
      (code) => resolve5({
        code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8")
      })
    );
  });
}
function sqlfluffDiagnostics(outcome, diagnostics) {
  if (!outcome.installed) {
    diagnostics.add({
      check: "sqlfluff",
      severity: "note",
      message: `sqlfluff is not installed (${outcome.reason}): its Snowflake parse was skipped; CI installs it (apt-get install sqlfluff)`
    });
    return { check: "sqlfluff", passed: 0, failed: 0, warnings: 0, skipped: 0, note: "not installed" };
  }
  const failed = /* @__PURE__ */ new Set();
  for (const { statement, line = 1, message } of outcome.findings) {
    failed.add(statement);
    const rendered = `${statement.file}:${statement.line + line - 1}`;
    const sourceLine2 = statement.source && templateLine(statement.source.text, statement.sql, line);
    diagnostics.add({
      check: "sqlfluff",
      severity: "error",
      ...statement.source && sourceLine2 !== void 0 ? {
        file: statement.source.file,
        line: sourceLine2,
        message: `${statement.name}: ${message} (rendered at ${rendered})`
      } : {
        file: statement.file,
        line: statement.line + line - 1,
        message: `${statement.name}: ${message}${statement.source ? ` (rendered from ${statement.source.file})` : ""}`
      }
    });
  }
  return {
    check: "sqlfluff",
    passed: outcome.checked - failed.size,
    failed: failed.size,
    warnings: 0,
    skipped: 0,
    note: `sqlfluff ${outcome.version}` + (outcome.cached > 0 ? `; ${outcome.cached} of ${outcome.checked} parses kept from an earlier run` : "")
  };
}

// src/validate/validate.ts
async function projectToValidate(dir) {
  const project = await readProject(dir).catch(() => void 0);
  if (!project) return { project: dir, extraStatements: [] };
  if (!existsSync(join6(project.root, "snowflake", "stage.sql"))) return { project, extraStatements: [] };
  const { snowflakeStatements } = await import("./validation-6WMORK2P.js");
  try {
    const extraStatements = snowflakeStatements(project).map((statement) => ({
      ...statement,
      file: shown(project, statement.file)
    }));
    return { project, extraStatements };
  } catch (error) {
    if (error instanceof CompileError) return { project, extraStatements: [] };
    throw error;
  }
}
async function validateProject(options) {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const progress = options.progress ?? (() => {
  });
  const targetDir = options.targetDir ?? DEFAULT_TARGET_DIR;
  const diagnostics = new Diagnostics();
  const summaries = /* @__PURE__ */ new Map();
  const extras = options.extraStatements ?? [];
  const project = await openProject(options.project, diagnostics);
  if (!project) {
    const report3 = finish({
      project: String(options.project),
      diagnostics,
      summaries,
      started,
      clock,
      statements: 0
    });
    await writeResults(targetDir, report3);
    return report3;
  }
  progress(`compiling ${project.models.size} model(s) and their tests for duckdb and snowflake`);
  const compiled = await compileEverything(project, { targetDir, diagnostics, clock });
  summaries.set("compile", compiled.summary);
  const snowflake = compiled.statements.filter((s) => s.dialect === "snowflake");
  const fluffed = sqlfluffStatements(snowflake, extras, options.sqlfluffModels === true);
  const sqlfluffStarted = clock();
  const sqlfluff = options.sqlfluff === false ? Promise.resolve(void 0) : checkWithSqlfluff(fluffed, {
    command: options.sqlfluff ?? "sqlfluff",
    signal: options.signal,
    cache: options.sqlfluffCache
  });
  const sqlfluffSettled = sqlfluff.then(
    (outcome) => ({ outcome, seconds: (clock() - sqlfluffStarted) / 1e3 }),
    (error) => ({ error, seconds: (clock() - sqlfluffStarted) / 1e3 })
  );
  let sample;
  if (compiled.runnable) {
    progress("building every model and running every test on simulator data (DuckDB)");
    const sampleStarted = clock();
    try {
      sample = await runOnSampleData(project, { signal: options.signal });
      const counted = await sampleRunDiagnostics(
        project,
        sample,
        compiled.statements.filter((s) => s.dialect === "duckdb"),
        diagnostics
      );
      const seconds = (clock() - sampleStarted) / 1e3;
      const testSeconds = sample.runs.flatMap((r) => r.result.tests).reduce((sum, t) => sum + t.seconds, 0);
      summaries.set("execute", {
        ...counted.execute,
        seconds: seconds - testSeconds,
        note: `model builds: a full build over ${sample.events} simulated events, then an incremental run`
      });
      summaries.set("tests", { ...counted.tests, seconds: testSeconds, note: "test runs, in both runs" });
    } catch (error) {
      options.signal?.throwIfAborted();
      diagnostics.add({
        check: "execute",
        severity: "error",
        message: `the sample run failed: ${errorMessage(error)}`
      });
      summaries.set("execute", summary2("execute", { failed: 1, seconds: (clock() - sampleStarted) / 1e3 }));
    }
  } else {
    const note = "not run: a model or test does not compile for duckdb";
    summaries.set("execute", summary2("execute", { note }));
    summaries.set("tests", summary2("tests", { note }));
  }
  progress("checking the Snowflake SQL with polyglot");
  const polyglotStarted = clock();
  const unbuilt = sample ? notBuilt(sample) : void 0;
  const all = polyglotStatements(project, snowflake, extras);
  const checked = all.filter((s) => !(s.reads ?? []).some((relation) => unbuilt?.relations.has(relation)));
  const schema = sample && {
    tables: [
      ...tablesCreatedBy(rawTableStatements("snowflake")),
      ...[...sample.columns].map(([relation, columns]) => tableFromColumns(relation, columns)),
      ...tablesCreatedBy(extras.filter((s) => s.checks.includes("polyglot")).map((s) => s.sql))
    ]
  };
  const polyglot2 = checkWithPolyglot(checked, schema, diagnostics);
  const leftOut = all.length - checked.length;
  summaries.set("polyglot", {
    ...polyglot2,
    skipped: polyglot2.skipped + leftOut,
    seconds: (clock() - polyglotStarted) / 1e3
  });
  if (unbuilt && unbuilt.failed.length > 0) {
    diagnostics.add({ check: "execute", severity: "note", message: skippedLine(unbuilt, leftOut) });
  }
  progress("checking that the models give the same rows on both engines");
  const parityStarted = clock();
  const parity = checkEngineParity(project, snowflake, diagnostics);
  summaries.set("parity", { ...parity, seconds: (clock() - parityStarted) / 1e3 });
  const fluff = await sqlfluffSettled;
  if ("error" in fluff) {
    options.signal?.throwIfAborted();
    diagnostics.add({
      check: "sqlfluff",
      severity: "error",
      message: `sqlfluff failed: ${errorMessage(fluff.error)}`
    });
    summaries.set("sqlfluff", summary2("sqlfluff", { failed: fluffed.length, seconds: fluff.seconds }));
  } else if (fluff.outcome === void 0) {
    diagnostics.add({ check: "sqlfluff", severity: "note", message: "sqlfluff was skipped by the caller" });
    summaries.set("sqlfluff", summary2("sqlfluff", { note: "skipped by the caller" }));
  } else {
    summaries.set("sqlfluff", { ...sqlfluffDiagnostics(fluff.outcome, diagnostics), seconds: fluff.seconds });
  }
  const sqlfluffRan = "outcome" in fluff && fluff.outcome?.installed === true;
  const statements = new Set([...checked, ...sqlfluffRan ? fluffed : []].map((s) => s.sql)).size;
  const report2 = finish({
    project: displayPath(project.root),
    diagnostics,
    summaries,
    started,
    clock,
    statements
  });
  report2.figures.models = project.models.size;
  await writeResults(targetDir, report2);
  return report2;
}
async function writeResults(targetDir, report2) {
  await mkdir4(targetDir, { recursive: true });
  await writeFile4(join6(targetDir, "validate_results.json"), JSON.stringify(report2, null, 2) + "\n");
}
async function openProject(project, diagnostics) {
  if (typeof project !== "string") return project;
  try {
    return await readProject(project);
  } catch (error) {
    const problems = /^the model project has errors:\n([\s\S]*)$/.exec(errorMessage(error));
    if (!(error instanceof ConfigurationError) || !problems) throw error;
    for (const problem of problems[1].split("\n").map((l) => l.trim()).filter(Boolean)) {
      const located = /^([^\s:]+\.(?:sql|ya?ml))(?::(\d+))?: ([\s\S]*)$/.exec(problem);
      diagnostics.add({
        check: "compile",
        severity: "error",
        file: located ? displayPath(resolve3(project, located[1])) : void 0,
        line: located?.[2] === void 0 ? void 0 : Number(located[2]),
        message: located ? located[3] : problem
      });
    }
    return void 0;
  }
}
function sqlfluffStatements(snowflake, extras, models) {
  return [
    ...snowflake.filter((s) => s.kind === "test" ? s.source.file.endsWith(".sql") : models).map((s) => ({ name: s.name, file: s.file, line: 1, sql: s.sql, source: s.source })),
    ...extras.filter((s) => s.checks.includes("sqlfluff")).map((s) => ({ name: s.name, file: s.file, line: s.line ?? 1, sql: s.sql }))
  ];
}
function polyglotStatements(project, snowflake, extras) {
  const builds = (name) => {
    const model = name === void 0 ? void 0 : project.models.get(name);
    return model ? [`${schemaOfModel(model)}.${model.name}`] : [];
  };
  return [
    ...snowflake.map((s) => ({
      name: s.name,
      file: s.file,
      line: 1,
      sql: s.sql,
      source: s.source,
      reads: [...s.reads, ...builds(s.model)]
    })),
    ...extras.filter((s) => s.checks.includes("polyglot")).map((s) => ({ name: s.name, file: s.file, line: s.line ?? 1, sql: s.sql, reads: s.reads }))
  ];
}
var NAMED = 10;
function named(names) {
  return names.length <= NAMED ? names.join(", ") : `${names.slice(0, NAMED).join(", ")} and ${names.length - NAMED} more`;
}
function skippedLine(unbuilt, statements) {
  const parts = [
    unbuilt.models.length > 0 ? `${unbuilt.models.length} model(s) (${named(unbuilt.models)})` : void 0,
    unbuilt.tests.length > 0 ? `${unbuilt.tests.length} test(s) (${named(unbuilt.tests)})` : void 0,
    statements > 0 ? `the polyglot check of ${statements} Snowflake statement(s) that build or read them` : void 0
  ].filter((part) => part !== void 0);
  return `skipped because ${unbuilt.failed.join(", ")} did not build (its error above is the cause): ` + (parts.length > 0 ? parts.join("; ") : "nothing else");
}
function summary2(check, values) {
  return { check, passed: 0, failed: 0, warnings: 0, skipped: 0, seconds: 0, ...values };
}
function finish(args) {
  const list = args.diagnostics.list();
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.filter((d) => d.severity === "warning").length;
  const checks = CHECKS.map((check) => args.summaries.get(check) ?? summary2(check, { note: "not run" }));
  for (const check of checks) {
    const own = list.filter((d) => d.check === check.check && d.severity === "error").length;
    if (check.failed === 0 && own > 0) check.failed = own;
  }
  return {
    project: args.project,
    diagnostics: list,
    checks,
    figures: {
      models: 0,
      statements: args.statements,
      errors,
      warnings,
      seconds: (args.clock() - args.started) / 1e3
    },
    failed: errors > 0
  };
}

// src/actions/validate-main.ts
var SQL_CHECK_MARKER = "<!-- amplitude-pipeline:sql-check -->";
var COMMENT_FINDINGS = 50;
var COMMENT_DIFF_CHARS = 4e4;
var COMMENT_DIFF_EACH_CHARS = 12e3;
var COMMENT_MODEL_ROWS = 200;
var SUMMARY_DIFF_CHARS = 3e5;
var SUMMARY_DIFF_EACH_CHARS = 6e4;
async function validateMain(deps = {}) {
  const env = process.env;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const comment = booleanInput(INPUTS.comment, true);
  const token = secretInput(INPUTS.githubToken);
  const projectDir = resolve4(workspace, optionalInput(INPUTS.project) ?? DEFAULT_PROJECT);
  const { project, extraStatements } = await projectToValidate(projectDir);
  const report2 = await (deps.validate ?? validateProject)({
    project,
    extraStatements,
    targetDir: resolve4(workspace, DEFAULT_TARGET_DIR),
    progress: (line) => info(line)
  });
  const diagnostics = report2.diagnostics.map((d) => ({
    ...d,
    file: d.file && inWorkspace(d.file, workspace)
  }));
  const comparison = await (deps.compare ?? compareWithBase)(project, projectDir, workspace).catch(
    (error) => ({
      unavailable: `the compiled models could not be compared with the base: ${errorMessage(error)}`
    })
  );
  if ("unavailable" in comparison) info(`compiled model changes: ${comparison.unavailable}`);
  else info(`compiled model changes against ${comparison.base}: ${tally(comparison.changes)}`);
  annotate(diagnostics, core_exports);
  const failedChecks = report2.checks.filter((c) => c.failed > 0).map((c) => c.check);
  setOutput(OUTPUTS.failed, failedChecks.length);
  addValidateToSummary(
    summary,
    { ...report2, diagnostics },
    { fullResults: join7(DEFAULT_TARGET_DIR, "validate_results.json") }
  );
  summary.addRaw(changesHtml(comparison), true);
  if (comment) await postComment(report2, diagnostics, comparison, token, env);
  if (report2.failed) {
    throw new Error(
      `${failedChecks.length} check(s) failed (${failedChecks.join(", ")}): ${report2.figures.errors} error(s); see the annotations and the job summary`
    );
  }
}
function inWorkspace(file, workspace) {
  const shown2 = relative3(workspace, resolve4(file));
  return shown2 === "" || shown2.startsWith("..") || isAbsolute3(shown2) ? file : shown2;
}
function verdict(report2) {
  const { figures } = report2;
  return `${report2.failed ? "failed" : "passed"}: ${figures.errors} error(s), ${figures.warnings} warning(s); ${figures.models} model(s), ${figures.statements} Snowflake statement(s) checked in ${figures.seconds.toFixed(1)} s`;
}
function commentBody(report2, diagnostics, runUrl, comparison) {
  const lines = [
    SQL_CHECK_MARKER,
    `### SQL check ${report2.failed ? "failed" : "passed"}`,
    "",
    escapeHtml(verdict(report2)),
    "",
    "| check | passed | failed | warnings | skipped | note |",
    "|---|--:|--:|--:|--:|---|",
    ...report2.checks.map(
      (c) => `| ${[c.check, c.passed, c.failed, c.warnings, c.skipped, c.note ?? ""].map(escapeHtml).join(" | ")} |`
    )
  ];
  if (diagnostics.length > 0) {
    const rank = (d) => d.severity === "error" ? 0 : d.severity === "warning" ? 1 : 2;
    const shown2 = [...diagnostics].sort((a, b) => rank(a) - rank(b)).slice(0, COMMENT_FINDINGS);
    lines.push(
      "",
      `<details${report2.failed ? " open" : ""}><summary>Findings (${diagnostics.length})</summary>`,
      ""
    );
    for (const d of shown2) {
      const place = location(d);
      lines.push(
        `- ${place ? `${escapeHtml(place)}: ` : ""}**${d.severity}** (${d.check}): ${escapeHtml(d.message)}`
      );
    }
    if (diagnostics.length > shown2.length)
      lines.push(`- … and ${diagnostics.length - shown2.length} more in the job summary`);
    lines.push("", "</details>");
  }
  if (comparison) lines.push("", ...changesMarkdown(comparison));
  if (runUrl) lines.push("", `[The run](${runUrl}): its job summary has everything.`);
  return lines.join("\n") + "\n";
}
async function postComment(report2, diagnostics, comparison, token, env) {
  const issueNumber = await pullRequestNumber(env);
  if (issueNumber === void 0) {
    info("not a pull_request event: no PR comment; the results are in the job summary");
    return;
  }
  if (!token) {
    notice(
      "input github-token is empty: no PR comment; the results are in the job summary and the annotations"
    );
    return;
  }
  try {
    const result = await upsertStickyComment({
      ...gitHubFromEnv({ token, env }),
      issueNumber,
      marker: SQL_CHECK_MARKER,
      body: commentBody(report2, diagnostics, runUrlFromEnv(env), comparison)
    });
    if (result.action === "skipped") notice(`no PR comment: ${result.reason}`);
    else info(`PR comment ${result.action}: ${result.url}`);
  } catch (error) {
    warning(
      `the PR comment was not written: ${errorMessage(error)}; the results are in the job summary and the annotations`
    );
  }
}
async function compareWithBase(project, projectDir, workspace) {
  if (typeof project === "string")
    return { unavailable: "the project could not be read, so nothing was compared" };
  const base = await baseProjectFromGit({
    projectDir,
    workspace,
    eventName: process.env.GITHUB_EVENT_NAME,
    tempRoot: process.env.RUNNER_TEMP || tmpdir5()
  });
  if ("unavailable" in base) return { unavailable: `not compared with the base: ${base.unavailable}` };
  try {
    return {
      changes: await compiledModelChanges(base.dir, project),
      base: `HEAD^1 (${base.commit.slice(0, 12)})`
    };
  } finally {
    await base.cleanup();
  }
}
var CHANGE_ORDER = [
  "changed",
  "added",
  "removed",
  "does not compile",
  "base does not compile",
  "unchanged"
];
function tally(changes) {
  const counts = /* @__PURE__ */ new Map();
  for (const m of changes.models) counts.set(m.change, (counts.get(m.change) ?? 0) + 1);
  return CHANGE_ORDER.filter((change) => counts.has(change)).map((change) => `${counts.get(change)} ${change}`).join(", ") || "no models";
}
function fenceFor(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run2) => run2.length));
  return "`".repeat(Math.max(3, longest + 1));
}
function cutAtLine(text, limit) {
  if (text.length <= limit) return { text, cut: false };
  const end = text.lastIndexOf("\n", limit - 1);
  let kept = text.slice(0, end > 0 ? end + 1 : limit);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return { text: kept, cut: true };
}
var DIFF_CUT_NOTE = "*(this diff was cut; the job summary has more of it)*";
function changesMarkdown(comparison) {
  const lines = ["#### Compiled model changes"];
  if ("unavailable" in comparison) {
    lines.push("", escapeHtml(`The compiled models could not be compared: ${comparison.unavailable}.`));
    return lines;
  }
  const { changes, base } = comparison;
  const shown2 = changes.models.filter((m) => m.change !== "unchanged");
  const unchanged = changes.models.length - shown2.length;
  lines.push("", escapeHtml(`${changes.dialect} SQL against the base, ${base}: ${tally(changes)}.`));
  if (changes.baseError) lines.push("", escapeHtml(`The base does not compile: ${changes.baseError}`));
  if (shown2.length === 0) return lines;
  lines.push("", "| model | change |", "|---|---|");
  for (const m of shown2.slice(0, COMMENT_MODEL_ROWS))
    lines.push(`| ${escapeHtml(m.model)} | ${escapeHtml(m.change)} |`);
  if (shown2.length > COMMENT_MODEL_ROWS)
    lines.push(
      "",
      escapeHtml(`… and ${shown2.length - COMMENT_MODEL_ROWS} more model(s) in the job summary.`)
    );
  if (unchanged > 0) lines.push("", escapeHtml(`${unchanged} model(s) unchanged.`));
  let room = COMMENT_DIFF_CHARS;
  const diffs = shown2.filter((m) => m.diff);
  let left = diffs.length;
  for (const m of diffs) {
    const fence = fenceFor(m.diff);
    const { text, cut } = cutAtLine(m.diff, COMMENT_DIFF_EACH_CHARS);
    const block = `${fence}diff
${text.replace(/\n$/, "")}
${fence}${cut ? `

${DIFF_CUT_NOTE}` : ""}`;
    const section = [`<details><summary>${escapeHtml(m.model)}</summary>`, "", block, "", "</details>"];
    const size = section.join("\n").length + 2;
    if (size > room) break;
    room -= size;
    left -= 1;
    lines.push("", ...section);
  }
  if (left > 0) lines.push("", escapeHtml(`… and ${left} more diff(s) in the job summary.`));
  return lines;
}
function changesHtml(comparison) {
  const title = "<h3>Compiled model changes</h3>";
  if ("unavailable" in comparison)
    return `${title}<p>${escapeHtml(`The compiled models could not be compared: ${comparison.unavailable}.`)}</p>`;
  const { changes, base } = comparison;
  const shown2 = changes.models.filter((m) => m.change !== "unchanged");
  const parts = [
    title,
    `<p>${escapeHtml(`${changes.dialect} SQL against the base, ${base}: ${tally(changes)}.`)}</p>`
  ];
  if (changes.baseError)
    parts.push(`<p>${escapeHtml(`The base does not compile: ${changes.baseError}`)}</p>`);
  if (shown2.length > 0)
    parts.push(
      "<table><tr><th>model</th><th>file</th><th>change</th></tr>" + shown2.map(
        (m) => `<tr><td>${escapeHtml(m.model)}</td><td><code>${escapeHtml(m.path)}</code></td><td>${escapeHtml(m.change)}</td></tr>`
      ).join("") + "</table>"
    );
  let room = SUMMARY_DIFF_CHARS;
  const diffs = shown2.filter((m) => m.diff);
  let left = diffs.length;
  for (const m of diffs) {
    const { text, cut } = cutAtLine(m.diff, SUMMARY_DIFF_EACH_CHARS);
    const diff = cut ? `${text}… (cut)
` : text;
    const html = `<details><summary>${escapeHtml(`${m.model} (diff)`)}</summary><pre lang="diff">${escapeHtml(diff)}</pre></details>`;
    if (html.length > room) break;
    room -= html.length;
    left -= 1;
    parts.push(html);
  }
  if (left > 0) parts.push(`<p>${escapeHtml(`${left} more diff(s) did not fit in this summary.`)}</p>`);
  return parts.join("");
}
export {
  SQL_CHECK_MARKER,
  changesHtml,
  changesMarkdown,
  commentBody,
  validateMain
};
