// Package salespb has the shape protoc-gen-go-grpc generates for a
// service "SalesService" with one unary method: an exported client
// interface, an unexported implementation that calls Invoke, and a
// constructor returning the interface. The messages are plain structs
// here (generated code uses protobuf messages; Invoke takes any).
package salespb

import (
	"context"

	grpc "google.golang.org/grpc"
)

const SalesService_Totals_FullMethodName = "/sales.SalesService/Totals"

type TotalsRequest struct{ Region string }

type TotalsReply struct{ Amounts []float64 }

// SalesServiceClient is the client API for SalesService service.
type SalesServiceClient interface {
	Totals(ctx context.Context, in *TotalsRequest, opts ...grpc.CallOption) (*TotalsReply, error)
}

type salesServiceClient struct {
	cc grpc.ClientConnInterface
}

func NewSalesServiceClient(cc grpc.ClientConnInterface) SalesServiceClient {
	return &salesServiceClient{cc}
}

func (c *salesServiceClient) Totals(ctx context.Context, in *TotalsRequest, opts ...grpc.CallOption) (*TotalsReply, error) {
	cOpts := append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(TotalsReply)
	err := c.cc.Invoke(ctx, SalesService_Totals_FullMethodName, in, out, cOpts...)
	if err != nil {
		return nil, err
	}
	return out, nil
}
