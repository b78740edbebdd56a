import * as $protobuf from "protobufjs";
import Long = require("long");

export namespace onnx {

    enum Version {
        _START_VERSION = 0,
        IR_VERSION_2017_10_10 = 1,
        IR_VERSION_2017_10_30 = 2,
        IR_VERSION_2017_11_3 = 3,
        IR_VERSION_2019_1_22 = 4,
        IR_VERSION_2019_3_18 = 5,
        IR_VERSION_2019_9_19 = 6,
        IR_VERSION_2020_5_8 = 7,
        IR_VERSION_2021_7_30 = 8,
        IR_VERSION_2023_5_5 = 9,
        IR_VERSION_2024_3_25 = 10,
        IR_VERSION_2025_05_12 = 11,
        IR_VERSION_2025_08_26 = 12,
        IR_VERSION_2025_11_06 = 13,
        IR_VERSION = 14
    }

    interface IAttributeProto extends onnx.AttributeProto.$Properties {
    }

    class AttributeProto {
        constructor(properties?: onnx.AttributeProto.$Properties);
        $unknowns?: Uint8Array[];
        name: string;
        refAttrName: string;
        docString: string;
        type: onnx.AttributeProto.AttributeType;
        f: number;
        i: (number|Long);
        s: Uint8Array;
        t?: (onnx.TensorProto|null);
        g?: (onnx.GraphProto|null);
        sparseTensor?: (onnx.SparseTensorProto|null);
        tp?: (onnx.TypeProto|null);
        floats: number[];
        ints: (number|Long)[];
        strings: Uint8Array[];
        tensors: onnx.TensorProto[];
        graphs: onnx.GraphProto[];
        sparseTensors: onnx.SparseTensorProto[];
        typeProtos: onnx.TypeProto[];
        static encode(message: onnx.AttributeProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.AttributeProto & onnx.AttributeProto.$Shape;
    }

    namespace AttributeProto {
        interface $Properties {
            name?: (string|null);
            refAttrName?: (string|null);
            docString?: (string|null);
            type?: (onnx.AttributeProto.AttributeType|null);
            f?: (number|null);
            i?: (number|Long|null);
            s?: (Uint8Array|null);
            t?: (onnx.TensorProto|null);
            g?: (onnx.GraphProto|null);
            sparseTensor?: (onnx.SparseTensorProto|null);
            tp?: (onnx.TypeProto|null);
            floats?: (number[]|null);
            ints?: ((number|Long)[]|null);
            strings?: (Uint8Array[]|null);
            tensors?: (onnx.TensorProto[]|null);
            graphs?: (onnx.GraphProto[]|null);
            sparseTensors?: (onnx.SparseTensorProto[]|null);
            typeProtos?: (onnx.TypeProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          name?: string|null;
          refAttrName?: string|null;
          docString?: string|null;
          type?: onnx.AttributeProto.AttributeType|null;
          f?: number|null;
          i?: number|Long|null;
          s?: Uint8Array|null;
          t?: onnx.TensorProto.$Shape|null;
          g?: onnx.GraphProto.$Shape|null;
          sparseTensor?: onnx.SparseTensorProto.$Shape|null;
          tp?: onnx.TypeProto.$Shape|null;
          floats?: number[]|null;
          ints?: (number|Long)[]|null;
          strings?: Uint8Array[]|null;
          tensors?: onnx.TensorProto.$Shape[]|null;
          graphs?: onnx.GraphProto.$Shape[]|null;
          sparseTensors?: onnx.SparseTensorProto.$Shape[]|null;
          typeProtos?: onnx.TypeProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };

        enum AttributeType {
            UNDEFINED = 0,
            FLOAT = 1,
            INT = 2,
            STRING = 3,
            TENSOR = 4,
            GRAPH = 5,
            SPARSE_TENSOR = 11,
            TYPE_PROTO = 13,
            FLOATS = 6,
            INTS = 7,
            STRINGS = 8,
            TENSORS = 9,
            GRAPHS = 10,
            SPARSE_TENSORS = 12,
            TYPE_PROTOS = 14
        }
    }

    interface IValueInfoProto extends onnx.ValueInfoProto.$Properties {
    }

    class ValueInfoProto {
        constructor(properties?: onnx.ValueInfoProto.$Properties);
        $unknowns?: Uint8Array[];
        name: string;
        type?: (onnx.TypeProto|null);
        docString: string;
        metadataProps: onnx.StringStringEntryProto[];
        static encode(message: onnx.ValueInfoProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.ValueInfoProto & onnx.ValueInfoProto.$Shape;
    }

    namespace ValueInfoProto {
        interface $Properties {
            name?: (string|null);
            type?: (onnx.TypeProto|null);
            docString?: (string|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          name?: string|null;
          type?: onnx.TypeProto.$Shape|null;
          docString?: string|null;
          metadataProps?: onnx.StringStringEntryProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface INodeProto extends onnx.NodeProto.$Properties {
    }

    class NodeProto {
        constructor(properties?: onnx.NodeProto.$Properties);
        $unknowns?: Uint8Array[];
        input: string[];
        output: string[];
        name: string;
        opType: string;
        domain: string;
        overload: string;
        attribute: onnx.AttributeProto[];
        docString: string;
        metadataProps: onnx.StringStringEntryProto[];
        deviceConfigurations: onnx.NodeDeviceConfigurationProto[];
        static encode(message: onnx.NodeProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.NodeProto & onnx.NodeProto.$Shape;
    }

    namespace NodeProto {
        interface $Properties {
            input?: (string[]|null);
            output?: (string[]|null);
            name?: (string|null);
            opType?: (string|null);
            domain?: (string|null);
            overload?: (string|null);
            attribute?: (onnx.AttributeProto[]|null);
            docString?: (string|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            deviceConfigurations?: (onnx.NodeDeviceConfigurationProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          input?: string[]|null;
          output?: string[]|null;
          name?: string|null;
          opType?: string|null;
          domain?: string|null;
          overload?: string|null;
          attribute?: onnx.AttributeProto.$Shape[]|null;
          docString?: string|null;
          metadataProps?: onnx.StringStringEntryProto.$Shape[]|null;
          deviceConfigurations?: onnx.NodeDeviceConfigurationProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface IIntIntListEntryProto extends onnx.IntIntListEntryProto.$Properties {
    }

    class IntIntListEntryProto {
        constructor(properties?: onnx.IntIntListEntryProto.$Properties);
        $unknowns?: Uint8Array[];
        key: (number|Long);
        value: (number|Long)[];
        static encode(message: onnx.IntIntListEntryProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.IntIntListEntryProto & onnx.IntIntListEntryProto.$Shape;
    }

    namespace IntIntListEntryProto {
        interface $Properties {
            key?: (number|Long|null);
            value?: ((number|Long)[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.IntIntListEntryProto.$Properties;
    }

    interface INodeDeviceConfigurationProto extends onnx.NodeDeviceConfigurationProto.$Properties {
    }

    class NodeDeviceConfigurationProto {
        constructor(properties?: onnx.NodeDeviceConfigurationProto.$Properties);
        $unknowns?: Uint8Array[];
        configurationId: string;
        shardingSpec: onnx.ShardingSpecProto[];
        pipelineStage: number;
        static encode(message: onnx.NodeDeviceConfigurationProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.NodeDeviceConfigurationProto & onnx.NodeDeviceConfigurationProto.$Shape;
    }

    namespace NodeDeviceConfigurationProto {
        interface $Properties {
            configurationId?: (string|null);
            shardingSpec?: (onnx.ShardingSpecProto[]|null);
            pipelineStage?: (number|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          configurationId?: string|null;
          shardingSpec?: onnx.ShardingSpecProto.$Shape[]|null;
          pipelineStage?: number|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface IShardingSpecProto extends onnx.ShardingSpecProto.$Properties {
    }

    class ShardingSpecProto {
        constructor(properties?: onnx.ShardingSpecProto.$Properties);
        $unknowns?: Uint8Array[];
        tensorName: string;
        device: (number|Long)[];
        indexToDeviceGroupMap: onnx.IntIntListEntryProto[];
        shardedDim: onnx.ShardedDimProto[];
        static encode(message: onnx.ShardingSpecProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.ShardingSpecProto & onnx.ShardingSpecProto.$Shape;
    }

    namespace ShardingSpecProto {
        interface $Properties {
            tensorName?: (string|null);
            device?: ((number|Long)[]|null);
            indexToDeviceGroupMap?: (onnx.IntIntListEntryProto[]|null);
            shardedDim?: (onnx.ShardedDimProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          tensorName?: string|null;
          device?: (number|Long)[]|null;
          indexToDeviceGroupMap?: onnx.IntIntListEntryProto.$Shape[]|null;
          shardedDim?: onnx.ShardedDimProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface IShardedDimProto extends onnx.ShardedDimProto.$Properties {
    }

    class ShardedDimProto {
        constructor(properties?: onnx.ShardedDimProto.$Properties);
        $unknowns?: Uint8Array[];
        axis: (number|Long);
        simpleSharding: onnx.SimpleShardedDimProto[];
        static encode(message: onnx.ShardedDimProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.ShardedDimProto & onnx.ShardedDimProto.$Shape;
    }

    namespace ShardedDimProto {
        interface $Properties {
            axis?: (number|Long|null);
            simpleSharding?: (onnx.SimpleShardedDimProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          axis?: number|Long|null;
          simpleSharding?: onnx.SimpleShardedDimProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface ISimpleShardedDimProto extends onnx.SimpleShardedDimProto.$Properties {
    }

    class SimpleShardedDimProto {
        constructor(properties?: onnx.SimpleShardedDimProto.$Properties);
        $unknowns?: Uint8Array[];
        dimValue?: (number|Long|null);
        dimParam?: (string|null);
        numShards: (number|Long);
        dim?: ("dimValue"|"dimParam");
        static encode(message: onnx.SimpleShardedDimProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.SimpleShardedDimProto & onnx.SimpleShardedDimProto.$Shape;
    }

    namespace SimpleShardedDimProto {
        interface $Properties {
            dimValue?: (number|Long|null);
            dimParam?: (string|null);
            numShards?: (number|Long|null);
            dim?: ("dimValue"|"dimParam");
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          dimValue?: number|Long|null;
          dimParam?: string|null;
          numShards?: number|Long|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ dim?: undefined; dimValue?: null; dimParam?: null }|{ dim?: "dimValue"; dimValue: number|Long; dimParam?: null }|{ dim?: "dimParam"; dimValue?: null; dimParam: string })
        );
    }

    interface ITrainingInfoProto extends onnx.TrainingInfoProto.$Properties {
    }

    class TrainingInfoProto {
        constructor(properties?: onnx.TrainingInfoProto.$Properties);
        $unknowns?: Uint8Array[];
        initialization?: (onnx.GraphProto|null);
        algorithm?: (onnx.GraphProto|null);
        initializationBinding: onnx.StringStringEntryProto[];
        updateBinding: onnx.StringStringEntryProto[];
        static encode(message: onnx.TrainingInfoProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TrainingInfoProto & onnx.TrainingInfoProto.$Shape;
    }

    namespace TrainingInfoProto {
        interface $Properties {
            initialization?: (onnx.GraphProto|null);
            algorithm?: (onnx.GraphProto|null);
            initializationBinding?: (onnx.StringStringEntryProto[]|null);
            updateBinding?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          initialization?: onnx.GraphProto.$Shape|null;
          algorithm?: onnx.GraphProto.$Shape|null;
          initializationBinding?: onnx.StringStringEntryProto.$Shape[]|null;
          updateBinding?: onnx.StringStringEntryProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface IModelProto extends onnx.ModelProto.$Properties {
    }

    class ModelProto {
        constructor(properties?: onnx.ModelProto.$Properties);
        $unknowns?: Uint8Array[];
        irVersion: (number|Long);
        opsetImport: onnx.OperatorSetIdProto[];
        producerName: string;
        producerVersion: string;
        domain: string;
        modelVersion: (number|Long);
        docString: string;
        graph?: (onnx.GraphProto|null);
        metadataProps: onnx.StringStringEntryProto[];
        trainingInfo: onnx.TrainingInfoProto[];
        functions: onnx.FunctionProto[];
        configuration: onnx.DeviceConfigurationProto[];
        static encode(message: onnx.ModelProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.ModelProto & onnx.ModelProto.$Shape;
    }

    namespace ModelProto {
        interface $Properties {
            irVersion?: (number|Long|null);
            opsetImport?: (onnx.OperatorSetIdProto[]|null);
            producerName?: (string|null);
            producerVersion?: (string|null);
            domain?: (string|null);
            modelVersion?: (number|Long|null);
            docString?: (string|null);
            graph?: (onnx.GraphProto|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            trainingInfo?: (onnx.TrainingInfoProto[]|null);
            functions?: (onnx.FunctionProto[]|null);
            configuration?: (onnx.DeviceConfigurationProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          irVersion?: number|Long|null;
          opsetImport?: onnx.OperatorSetIdProto.$Shape[]|null;
          producerName?: string|null;
          producerVersion?: string|null;
          domain?: string|null;
          modelVersion?: number|Long|null;
          docString?: string|null;
          graph?: onnx.GraphProto.$Shape|null;
          metadataProps?: onnx.StringStringEntryProto.$Shape[]|null;
          trainingInfo?: onnx.TrainingInfoProto.$Shape[]|null;
          functions?: onnx.FunctionProto.$Shape[]|null;
          configuration?: onnx.DeviceConfigurationProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface IDeviceConfigurationProto extends onnx.DeviceConfigurationProto.$Properties {
    }

    class DeviceConfigurationProto {
        constructor(properties?: onnx.DeviceConfigurationProto.$Properties);
        $unknowns?: Uint8Array[];
        name: string;
        numDevices: number;
        device: string[];
        static encode(message: onnx.DeviceConfigurationProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.DeviceConfigurationProto & onnx.DeviceConfigurationProto.$Shape;
    }

    namespace DeviceConfigurationProto {
        interface $Properties {
            name?: (string|null);
            numDevices?: (number|null);
            device?: (string[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.DeviceConfigurationProto.$Properties;
    }

    interface IStringStringEntryProto extends onnx.StringStringEntryProto.$Properties {
    }

    class StringStringEntryProto {
        constructor(properties?: onnx.StringStringEntryProto.$Properties);
        $unknowns?: Uint8Array[];
        key: string;
        value: string;
        static encode(message: onnx.StringStringEntryProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.StringStringEntryProto & onnx.StringStringEntryProto.$Shape;
    }

    namespace StringStringEntryProto {
        interface $Properties {
            key?: (string|null);
            value?: (string|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.StringStringEntryProto.$Properties;
    }

    interface ITensorAnnotation extends onnx.TensorAnnotation.$Properties {
    }

    class TensorAnnotation {
        constructor(properties?: onnx.TensorAnnotation.$Properties);
        $unknowns?: Uint8Array[];
        tensorName: string;
        quantParameterTensorNames: onnx.StringStringEntryProto[];
        static encode(message: onnx.TensorAnnotation, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TensorAnnotation & onnx.TensorAnnotation.$Shape;
    }

    namespace TensorAnnotation {
        interface $Properties {
            tensorName?: (string|null);
            quantParameterTensorNames?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.TensorAnnotation.$Properties;
    }

    interface IGraphProto extends onnx.GraphProto.$Properties {
    }

    class GraphProto {
        constructor(properties?: onnx.GraphProto.$Properties);
        $unknowns?: Uint8Array[];
        node: onnx.NodeProto[];
        name: string;
        initializer: onnx.TensorProto[];
        sparseInitializer: onnx.SparseTensorProto[];
        docString: string;
        input: onnx.ValueInfoProto[];
        output: onnx.ValueInfoProto[];
        valueInfo: onnx.ValueInfoProto[];
        quantizationAnnotation: onnx.TensorAnnotation[];
        metadataProps: onnx.StringStringEntryProto[];
        static encode(message: onnx.GraphProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.GraphProto & onnx.GraphProto.$Shape;
    }

    namespace GraphProto {
        interface $Properties {
            node?: (onnx.NodeProto[]|null);
            name?: (string|null);
            initializer?: (onnx.TensorProto[]|null);
            sparseInitializer?: (onnx.SparseTensorProto[]|null);
            docString?: (string|null);
            input?: (onnx.ValueInfoProto[]|null);
            output?: (onnx.ValueInfoProto[]|null);
            valueInfo?: (onnx.ValueInfoProto[]|null);
            quantizationAnnotation?: (onnx.TensorAnnotation[]|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          node?: onnx.NodeProto.$Shape[]|null;
          name?: string|null;
          initializer?: onnx.TensorProto.$Shape[]|null;
          sparseInitializer?: onnx.SparseTensorProto.$Shape[]|null;
          docString?: string|null;
          input?: onnx.ValueInfoProto.$Shape[]|null;
          output?: onnx.ValueInfoProto.$Shape[]|null;
          valueInfo?: onnx.ValueInfoProto.$Shape[]|null;
          quantizationAnnotation?: onnx.TensorAnnotation.$Shape[]|null;
          metadataProps?: onnx.StringStringEntryProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }

    interface ITensorProto extends onnx.TensorProto.$Properties {
    }

    class TensorProto {
        constructor(properties?: onnx.TensorProto.$Properties);
        $unknowns?: Uint8Array[];
        dims: (number|Long)[];
        dataType: number;
        segment?: (onnx.TensorProto.Segment|null);
        floatData: number[];
        int32Data: number[];
        stringData: Uint8Array[];
        int64Data: (number|Long)[];
        name: string;
        docString: string;
        rawData: Uint8Array;
        externalData: onnx.StringStringEntryProto[];
        dataLocation: onnx.TensorProto.DataLocation;
        doubleData: number[];
        uint64Data: (number|Long)[];
        metadataProps: onnx.StringStringEntryProto[];
        static encode(message: onnx.TensorProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TensorProto & onnx.TensorProto.$Shape;
    }

    namespace TensorProto {
        interface $Properties {
            dims?: ((number|Long)[]|null);
            dataType?: (number|null);
            segment?: (onnx.TensorProto.Segment|null);
            floatData?: (number[]|null);
            int32Data?: (number[]|null);
            stringData?: (Uint8Array[]|null);
            int64Data?: ((number|Long)[]|null);
            name?: (string|null);
            docString?: (string|null);
            rawData?: (Uint8Array|null);
            externalData?: (onnx.StringStringEntryProto[]|null);
            dataLocation?: (onnx.TensorProto.DataLocation|null);
            doubleData?: (number[]|null);
            uint64Data?: ((number|Long)[]|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.TensorProto.$Properties;

        enum DataType {
            UNDEFINED = 0,
            FLOAT = 1,
            UINT8 = 2,
            INT8 = 3,
            UINT16 = 4,
            INT16 = 5,
            INT32 = 6,
            INT64 = 7,
            STRING = 8,
            BOOL = 9,
            FLOAT16 = 10,
            DOUBLE = 11,
            UINT32 = 12,
            UINT64 = 13,
            COMPLEX64 = 14,
            COMPLEX128 = 15,
            BFLOAT16 = 16,
            FLOAT8E4M3FN = 17,
            FLOAT8E4M3FNUZ = 18,
            FLOAT8E5M2 = 19,
            FLOAT8E5M2FNUZ = 20,
            UINT4 = 21,
            INT4 = 22,
            FLOAT4E2M1 = 23,
            FLOAT8E8M0 = 24,
            UINT2 = 25,
            INT2 = 26,
            FLOAT6E2M3 = 27,
            FLOAT6E3M2 = 28
        }

        interface ISegment extends onnx.TensorProto.Segment.$Properties {
        }

        class Segment {
            constructor(properties?: onnx.TensorProto.Segment.$Properties);
            $unknowns?: Uint8Array[];
            begin: (number|Long);
            end: (number|Long);
            static encode(message: onnx.TensorProto.Segment, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TensorProto.Segment & onnx.TensorProto.Segment.$Shape;
        }

        namespace Segment {
            interface $Properties {
                begin?: (number|Long|null);
                end?: (number|Long|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = onnx.TensorProto.Segment.$Properties;
        }

        enum DataLocation {
            DEFAULT = 0,
            EXTERNAL = 1
        }
    }

    interface ISparseTensorProto extends onnx.SparseTensorProto.$Properties {
    }

    class SparseTensorProto {
        constructor(properties?: onnx.SparseTensorProto.$Properties);
        $unknowns?: Uint8Array[];
        values?: (onnx.TensorProto|null);
        indices?: (onnx.TensorProto|null);
        dims: (number|Long)[];
        static encode(message: onnx.SparseTensorProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.SparseTensorProto & onnx.SparseTensorProto.$Shape;
    }

    namespace SparseTensorProto {
        interface $Properties {
            values?: (onnx.TensorProto|null);
            indices?: (onnx.TensorProto|null);
            dims?: ((number|Long)[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.SparseTensorProto.$Properties;
    }

    interface ITensorShapeProto extends onnx.TensorShapeProto.$Properties {
    }

    class TensorShapeProto {
        constructor(properties?: onnx.TensorShapeProto.$Properties);
        $unknowns?: Uint8Array[];
        dim: onnx.TensorShapeProto.Dimension[];
        static encode(message: onnx.TensorShapeProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TensorShapeProto & onnx.TensorShapeProto.$Shape;
    }

    namespace TensorShapeProto {
        interface $Properties {
            dim?: (onnx.TensorShapeProto.Dimension[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          dim?: onnx.TensorShapeProto.Dimension.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };

        interface IDimension extends onnx.TensorShapeProto.Dimension.$Properties {
        }

        class Dimension {
            constructor(properties?: onnx.TensorShapeProto.Dimension.$Properties);
            $unknowns?: Uint8Array[];
            dimValue?: (number|Long|null);
            dimParam?: (string|null);
            denotation: string;
            value?: ("dimValue"|"dimParam");
            static encode(message: onnx.TensorShapeProto.Dimension, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TensorShapeProto.Dimension & onnx.TensorShapeProto.Dimension.$Shape;
        }

        namespace Dimension {
            interface $Properties {
                dimValue?: (number|Long|null);
                dimParam?: (string|null);
                denotation?: (string|null);
                value?: ("dimValue"|"dimParam");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              dimValue?: number|Long|null;
              dimParam?: string|null;
              denotation?: string|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ value?: undefined; dimValue?: null; dimParam?: null }|{ value?: "dimValue"; dimValue: number|Long; dimParam?: null }|{ value?: "dimParam"; dimValue?: null; dimParam: string })
            );
        }
    }

    interface ITypeProto extends onnx.TypeProto.$Properties {
    }

    class TypeProto {
        constructor(properties?: onnx.TypeProto.$Properties);
        $unknowns?: Uint8Array[];
        tensorType?: (onnx.TypeProto.Tensor|null);
        sequenceType?: (onnx.TypeProto.Sequence|null);
        mapType?: (onnx.TypeProto.Map|null);
        optionalType?: (onnx.TypeProto.Optional|null);
        sparseTensorType?: (onnx.TypeProto.SparseTensor|null);
        opaqueType?: (onnx.TypeProto.Opaque|null);
        denotation: string;
        value?: ("tensorType"|"sequenceType"|"mapType"|"optionalType"|"sparseTensorType"|"opaqueType");
        static encode(message: onnx.TypeProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto & onnx.TypeProto.$Shape;
    }

    namespace TypeProto {
        interface $Properties {
            tensorType?: (onnx.TypeProto.Tensor|null);
            sequenceType?: (onnx.TypeProto.Sequence|null);
            mapType?: (onnx.TypeProto.Map|null);
            optionalType?: (onnx.TypeProto.Optional|null);
            sparseTensorType?: (onnx.TypeProto.SparseTensor|null);
            opaqueType?: (onnx.TypeProto.Opaque|null);
            denotation?: (string|null);
            value?: ("tensorType"|"sequenceType"|"mapType"|"optionalType"|"sparseTensorType"|"opaqueType");
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          tensorType?: onnx.TypeProto.Tensor.$Shape|null;
          sequenceType?: onnx.TypeProto.Sequence.$Shape|null;
          mapType?: onnx.TypeProto.Map.$Shape|null;
          optionalType?: onnx.TypeProto.Optional.$Shape|null;
          sparseTensorType?: onnx.TypeProto.SparseTensor.$Shape|null;
          opaqueType?: onnx.TypeProto.Opaque.$Shape|null;
          denotation?: string|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ value?: undefined; tensorType?: null; sequenceType?: null; mapType?: null; optionalType?: null; sparseTensorType?: null; opaqueType?: null }|{ value?: "tensorType"; tensorType: onnx.TypeProto.Tensor.$Shape; sequenceType?: null; mapType?: null; optionalType?: null; sparseTensorType?: null; opaqueType?: null }|{ value?: "sequenceType"; tensorType?: null; sequenceType: onnx.TypeProto.Sequence.$Shape; mapType?: null; optionalType?: null; sparseTensorType?: null; opaqueType?: null }|{ value?: "mapType"; tensorType?: null; sequenceType?: null; mapType: onnx.TypeProto.Map.$Shape; optionalType?: null; sparseTensorType?: null; opaqueType?: null }|{ value?: "optionalType"; tensorType?: null; sequenceType?: null; mapType?: null; optionalType: onnx.TypeProto.Optional.$Shape; sparseTensorType?: null; opaqueType?: null }|{ value?: "sparseTensorType"; tensorType?: null; sequenceType?: null; mapType?: null; optionalType?: null; sparseTensorType: onnx.TypeProto.SparseTensor.$Shape; opaqueType?: null }|{ value?: "opaqueType"; tensorType?: null; sequenceType?: null; mapType?: null; optionalType?: null; sparseTensorType?: null; opaqueType: onnx.TypeProto.Opaque.$Shape })
        );

        interface ITensor extends onnx.TypeProto.Tensor.$Properties {
        }

        class Tensor {
            constructor(properties?: onnx.TypeProto.Tensor.$Properties);
            $unknowns?: Uint8Array[];
            elemType: number;
            shape?: (onnx.TensorShapeProto|null);
            static encode(message: onnx.TypeProto.Tensor, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.Tensor & onnx.TypeProto.Tensor.$Shape;
        }

        namespace Tensor {
            interface $Properties {
                elemType?: (number|null);
                shape?: (onnx.TensorShapeProto|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              elemType?: number|null;
              shape?: onnx.TensorShapeProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        interface ISequence extends onnx.TypeProto.Sequence.$Properties {
        }

        class Sequence {
            constructor(properties?: onnx.TypeProto.Sequence.$Properties);
            $unknowns?: Uint8Array[];
            elemType?: (onnx.TypeProto|null);
            static encode(message: onnx.TypeProto.Sequence, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.Sequence & onnx.TypeProto.Sequence.$Shape;
        }

        namespace Sequence {
            interface $Properties {
                elemType?: (onnx.TypeProto|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              elemType?: onnx.TypeProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        interface IMap extends onnx.TypeProto.Map.$Properties {
        }

        class Map {
            constructor(properties?: onnx.TypeProto.Map.$Properties);
            $unknowns?: Uint8Array[];
            keyType: number;
            valueType?: (onnx.TypeProto|null);
            static encode(message: onnx.TypeProto.Map, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.Map & onnx.TypeProto.Map.$Shape;
        }

        namespace Map {
            interface $Properties {
                keyType?: (number|null);
                valueType?: (onnx.TypeProto|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              keyType?: number|null;
              valueType?: onnx.TypeProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        interface IOptional extends onnx.TypeProto.Optional.$Properties {
        }

        class Optional {
            constructor(properties?: onnx.TypeProto.Optional.$Properties);
            $unknowns?: Uint8Array[];
            elemType?: (onnx.TypeProto|null);
            static encode(message: onnx.TypeProto.Optional, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.Optional & onnx.TypeProto.Optional.$Shape;
        }

        namespace Optional {
            interface $Properties {
                elemType?: (onnx.TypeProto|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              elemType?: onnx.TypeProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        interface ISparseTensor extends onnx.TypeProto.SparseTensor.$Properties {
        }

        class SparseTensor {
            constructor(properties?: onnx.TypeProto.SparseTensor.$Properties);
            $unknowns?: Uint8Array[];
            elemType: number;
            shape?: (onnx.TensorShapeProto|null);
            static encode(message: onnx.TypeProto.SparseTensor, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.SparseTensor & onnx.TypeProto.SparseTensor.$Shape;
        }

        namespace SparseTensor {
            interface $Properties {
                elemType?: (number|null);
                shape?: (onnx.TensorShapeProto|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              elemType?: number|null;
              shape?: onnx.TensorShapeProto.$Shape|null;
              $unknowns?: Uint8Array[];
            };
        }

        interface IOpaque extends onnx.TypeProto.Opaque.$Properties {
        }

        class Opaque {
            constructor(properties?: onnx.TypeProto.Opaque.$Properties);
            $unknowns?: Uint8Array[];
            domain: string;
            name: string;
            static encode(message: onnx.TypeProto.Opaque, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.TypeProto.Opaque & onnx.TypeProto.Opaque.$Shape;
        }

        namespace Opaque {
            interface $Properties {
                domain?: (string|null);
                name?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = onnx.TypeProto.Opaque.$Properties;
        }
    }

    interface IOperatorSetIdProto extends onnx.OperatorSetIdProto.$Properties {
    }

    class OperatorSetIdProto {
        constructor(properties?: onnx.OperatorSetIdProto.$Properties);
        $unknowns?: Uint8Array[];
        domain: string;
        version: (number|Long);
        static encode(message: onnx.OperatorSetIdProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.OperatorSetIdProto & onnx.OperatorSetIdProto.$Shape;
    }

    namespace OperatorSetIdProto {
        interface $Properties {
            domain?: (string|null);
            version?: (number|Long|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = onnx.OperatorSetIdProto.$Properties;
    }

    enum OperatorStatus {
        EXPERIMENTAL = 0,
        STABLE = 1
    }

    interface IFunctionProto extends onnx.FunctionProto.$Properties {
    }

    class FunctionProto {
        constructor(properties?: onnx.FunctionProto.$Properties);
        $unknowns?: Uint8Array[];
        name: string;
        input: string[];
        output: string[];
        attribute: string[];
        attributeProto: onnx.AttributeProto[];
        node: onnx.NodeProto[];
        docString: string;
        opsetImport: onnx.OperatorSetIdProto[];
        domain: string;
        overload: string;
        valueInfo: onnx.ValueInfoProto[];
        metadataProps: onnx.StringStringEntryProto[];
        static encode(message: onnx.FunctionProto, writer?: $protobuf.Writer): $protobuf.Writer;
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): onnx.FunctionProto & onnx.FunctionProto.$Shape;
    }

    namespace FunctionProto {
        interface $Properties {
            name?: (string|null);
            input?: (string[]|null);
            output?: (string[]|null);
            attribute?: (string[]|null);
            attributeProto?: (onnx.AttributeProto[]|null);
            node?: (onnx.NodeProto[]|null);
            docString?: (string|null);
            opsetImport?: (onnx.OperatorSetIdProto[]|null);
            domain?: (string|null);
            overload?: (string|null);
            valueInfo?: (onnx.ValueInfoProto[]|null);
            metadataProps?: (onnx.StringStringEntryProto[]|null);
            $unknowns?: Uint8Array[];
        }
        type $Shape = {
          name?: string|null;
          input?: string[]|null;
          output?: string[]|null;
          attribute?: string[]|null;
          attributeProto?: onnx.AttributeProto.$Shape[]|null;
          node?: onnx.NodeProto.$Shape[]|null;
          docString?: string|null;
          opsetImport?: onnx.OperatorSetIdProto.$Shape[]|null;
          domain?: string|null;
          overload?: string|null;
          valueInfo?: onnx.ValueInfoProto.$Shape[]|null;
          metadataProps?: onnx.StringStringEntryProto.$Shape[]|null;
          $unknowns?: Uint8Array[];
        };
    }
}
